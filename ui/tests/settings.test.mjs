// Settings: the form, the back end's field errors and limits, and the test email.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";
import { SETTINGS_LIMITS, message } from "./fixture.mjs";

useChromium();

describe("settings", () => {
  test("number inputs carry the back end's limits", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const min = page.getByTestId("min-length");
      await min.waitFor();
      assert.equal((await calls(page, "settings_limits")).length, 1);
      const bounds = async (testid) => {
        const input = page.getByTestId(testid);
        return {
          min: Number(await input.getAttribute("min")),
          max: Number(await input.getAttribute("max")),
        };
      };
      assert.deepEqual(await bounds("min-length"), SETTINGS_LIMITS.passwordMinLength);
      assert.match(
        await text(page.locator(".field", { has: min }).locator(".field-hint")),
        new RegExp(`^At least ${SETTINGS_LIMITS.passwordMinLength.min}; 15 is recommended\\.$`),
      );
      for (const [key, limit] of Object.entries(SETTINGS_LIMITS.lifetimes)) {
        assert.deepEqual(await bounds(`lifetime-${key}`), limit, key);
      }
      await page.getByTestId("transport-smtp").check();
      assert.deepEqual(await bounds("smtp-port"), SETTINGS_LIMITS.port);
    }));

  test("a refused save shows the back end's message under the field it names, and focuses it", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const save = page.getByTestId("settings-save");
      const refusedAt = async (testid, expected) => {
        const input = page.getByTestId(testid);
        assert.equal(await text(page.getByTestId("error")), expected);
        const errors = page.locator(".settings-form .field-error");
        assert.equal(await errors.count(), 1);
        assert.equal(
          await text(page.locator(".field", { has: input }).locator(".field-error")),
          expected,
        );
        assert.equal(await input.getAttribute("aria-invalid"), "true");
        const described = (await input.getAttribute("aria-describedby")) ?? "";
        assert.ok(described.includes(await errors.getAttribute("id")), "the input names its error");
        await eventually(async () =>
          assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), testid),
        );
      };

      await page.getByTestId("lifetime-selfResetMinutes").fill("2");
      await save.click();
      await refusedAt(
        "lifetime-selfResetMinutes",
        message("lifetimeOutOfRange", { label: "Self-service reset lifetime", min: 5, max: 1440 }),
      );
      assert.equal(
        (await calls(page, "save_settings")).at(-1).settings.lifetimes.selfResetMinutes,
        2,
      );
      // Editing the field clears its error.
      await page.getByTestId("lifetime-selfResetMinutes").fill("30");
      assert.equal(await page.locator(".settings-form .field-error").count(), 0);

      await page.getByTestId("reply-to").fill("front desk");
      await save.click();
      await refusedAt("reply-to", message("invalidEmail", { field: "Reply-To" }));
      await page.getByTestId("reply-to").fill("front.desk@riverside-vet.example");

      await page.getByTestId("clinic-name-input").fill(" ");
      await save.click();
      await refusedAt("clinic-name-input", message("required", { field: "Clinic name" }));
      assert.equal((await calls(page, "save_settings")).length, 3);
      assert.equal(await page.getByTestId("settings-saved").count(), 0);
    }));

  test("validates, saves, keeps the stored SMTP password, and shows test-email errors", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const min = page.getByTestId("min-length");
      await min.waitFor();
      assert.equal(await min.inputValue(), "15");
      await shot(page, "settings");

      // The back end's invalidInput message lands on the field it names.
      await min.fill("7");
      await page.getByTestId("settings-save").click();
      assert.match(await text(page.getByTestId("error")), /between 8 and 64/);
      assert.match(
        await text(page.locator(".field", { has: min }).locator(".field-error")),
        /between 8 and 64/,
      );
      assert.equal((await calls(page, "save_settings")).at(-1).settings.passwordMinLength, 7);

      await min.fill("12");
      await page.getByTestId("breach-url").fill("http://breach.example/range/");
      await page.getByTestId("settings-save").click();
      assert.match(await text(page.getByTestId("error")), /must start with https/);
      assert.match(
        await text(
          page.locator(".field", { has: page.getByTestId("breach-url") }).locator(".field-error"),
        ),
        /must start with https/,
      );

      await page.getByTestId("breach-url").fill("");
      await page.getByTestId("transport-smtp").check();
      await page.getByTestId("smtp-host").fill("smtp.riverside-vet.example");
      await page.getByTestId("smtp-security").selectOption("implicitTls");
      assert.equal(await page.getByTestId("smtp-port").inputValue(), "465");
      await page.getByTestId("smtp-security").selectOption("startTls");
      assert.equal(await page.getByTestId("smtp-port").inputValue(), "587");
      await page.getByTestId("smtp-username").fill("vetdesk");
      await page.getByTestId("smtp-password").fill("s3cret-app-password");
      assert.equal(await page.getByTestId("test-send").isDisabled(), true);
      await page.getByTestId("settings-save").click();
      await page.getByTestId("settings-saved").waitFor();

      const saved = (await calls(page, "save_settings")).at(-1);
      assert.equal(saved.smtpPassword, "s3cret-app-password");
      assert.equal(saved.settings.passwordMinLength, 12);
      assert.equal(saved.settings.breachCheckUrl, null);
      assert.deepEqual(
        { ...saved.settings.mail, hasPassword: undefined },
        {
          transport: "smtp",
          host: "smtp.riverside-vet.example",
          port: 587,
          security: "startTls",
          username: "vetdesk",
          fromName: "Riverside Veterinary Clinic",
          fromAddress: "no-reply@riverside-vet.example",
          replyTo: "front.desk@riverside-vet.example",
          hasPassword: undefined,
          dkim: null,
        },
      );
      // The stored password is never shown; an empty field means "keep".
      const pw = page.getByTestId("smtp-password");
      assert.equal(await pw.inputValue(), "");
      assert.equal(await pw.getAttribute("placeholder"), "Stored in the OS keyring");
      await page.getByTestId("smtp-fields").scrollIntoViewIfNeeded();
      await shot(page, "settings-smtp");
      // The preview outbox is gone from the menu once SMTP is saved.
      await eventually(async () => assert.equal(await page.getByTestId("nav-preview").count(), 0));

      await page.getByTestId("clinic-phone").fill("+1 555 0199");
      await page.getByTestId("settings-save").click();
      await eventually(async () => assert.equal((await calls(page, "save_settings")).length, 4));
      assert.equal((await calls(page, "save_settings")).at(-1).smtpPassword, null);

      // Removing the stored password sends an empty string.
      await page.getByTestId("smtp-password-remove").check();
      assert.equal(await page.getByTestId("smtp-password").isDisabled(), true);
      await page.getByTestId("settings-save").click();
      await eventually(async () => assert.equal((await calls(page, "save_settings")).length, 5));
      assert.equal((await calls(page, "save_settings")).at(-1).smtpPassword, "");
      await eventually(async () =>
        assert.equal(
          await page.getByTestId("smtp-password").getAttribute("placeholder"),
          "Not set",
        ),
      );
      assert.equal(await page.getByTestId("smtp-password-remove").count(), 0);

      await page.getByTestId("test-recipient").fill("a.morgan@riverside-vet.example");
      await page.getByTestId("test-send").click();
      assert.equal(
        await text(page.getByTestId("test-error")),
        message("smtpUnreachable", { endpoint: "smtp.riverside-vet.example:587" }),
      );
      assert.deepEqual(await calls(page, "send_test_email"), [
        { to: "a.morgan@riverside-vet.example" },
      ]);
      await page.getByTestId("test-email").scrollIntoViewIfNeeded();
      await shot(page, "settings-test-email-error");
    }));

  test("a test email through the preview outbox reports success", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("test-recipient").fill("front.desk@riverside-vet.example");
      await page.getByTestId("test-send").click();
      assert.match(await text(page.getByTestId("test-result")), /written to the preview outbox/);
    }));

  test("a recipient the back end refuses is marked under the recipient field", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const recipient = page.getByTestId("test-recipient");
      await recipient.fill("front desk");
      await page.getByTestId("test-send").click();
      const field = page.locator(".field", { has: recipient });
      assert.equal(
        await text(field.locator(".field-error")),
        message("invalidEmail", { field: "Recipient" }),
      );
      assert.equal(await recipient.getAttribute("aria-invalid"), "true");
      assert.equal(await page.getByTestId("test-error").count(), 0);
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        "test-recipient",
      );
      assert.deepEqual(await calls(page, "send_test_email"), [{ to: "front desk" }]);
      await recipient.fill("front.desk@riverside-vet.example");
      assert.equal(await field.locator(".field-error").count(), 0);
      await page.getByTestId("test-send").click();
      assert.match(await text(page.getByTestId("test-result")), /written to the preview outbox/);
    }));
});
