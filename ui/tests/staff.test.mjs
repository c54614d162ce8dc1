// The Staff List and the staff card.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { assertNoHorizontalOverflow, calls, eventually, signIn, text } from "./page.mjs";
import { message } from "./fixture.mjs";

useChromium();

describe("staff list and staff card", () => {
  test("lists staff and searches with a debounce", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 12),
      );
      const button = page.getByTestId("staff-card-3");
      assert.equal(await button.getAttribute("aria-label"), "Open staff card for Jordan Smith");
      assert.equal(await button.locator("svg").count(), 1);
      assert.match(await text(page.getByTestId("staff-row-4")), /No email on file/);
      await shot(page, "staff-list");

      await page.getByTestId("staff-search").pressSequentially("smith", { delay: 30 });
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 1),
      );
      assert.match(await text(page.getByTestId("staff-row-3")), /Jordan Smith/);
      const queries = (await calls(page, "list_staff")).map((a) => a.query);
      assert.deepEqual(queries, ["", "smith"], "one call per settled query, not per key");
      assert.match(await text(page.getByTestId("staff-count")), /1 staff member matching “smith”/);

      await page.getByTestId("staff-search").fill("zzz");
      await eventually(async () =>
        assert.match(await text(page.getByTestId("staff-count")), /No staff match “zzz”/),
      );
    }));

  test("reset password: confirmation, masked address, countdown, delivery status", () =>
    withApp({ config: { mailTransport: "smtp" } }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-3").click();
      const dialog = page.getByTestId("staff-card");
      await dialog.waitFor();
      assert.match(await text(dialog), /Jordan Smith[\s\S]*j\.smith@riverside-vet\.example/);
      assert.equal(await page.getByTestId("resend").count(), 0);

      // Escape closes only the confirmation, and nothing is sent.
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-dialog").waitFor();
      await page.keyboard.press("Escape");
      await eventually(async () =>
        assert.equal(await page.getByTestId("confirm-dialog").count(), 0),
      );
      assert.equal(await dialog.count(), 1);
      // Focus returns to the button that opened the confirmation (after the close settles).
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "reset-password",
        ),
      );
      assert.deepEqual(await calls(page, "send_staff_reset"), []);

      await page.getByTestId("reset-password").click();
      assert.equal(
        await text(page.getByTestId("confirm-text")),
        "Send a reset link to j•••@riverside-vet.example?",
      );
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "confirm-yes",
        ),
      );
      await shot(page, "staff-card-confirm");
      await page.getByTestId("confirm-dialog").getByRole("button", { name: "Cancel" }).waitFor();
      await page.getByTestId("confirm-yes").click();

      assert.equal(
        await text(page.getByTestId("reset-message")),
        "Reset password link has been sent to j•••@riverside-vet.example",
      );
      assert.deepEqual(await calls(page, "send_staff_reset"), [{ staffId: 3 }]);
      await page.getByTestId("resend").waitFor();
      assert.equal(await page.getByTestId("resend").isDisabled(), true);
      const countdown = await text(page.getByTestId("resend-countdown"));
      const secs = Number(/^Resend available in (\d+) s$/.exec(countdown)?.[1]);
      assert.ok(secs > 30 && secs <= 60, `countdown: ${countdown}`);
      // The card polls every 3 s, so the status moves on without any click.
      await eventually(
        async () =>
          assert.equal(await page.getByTestId("reset-status").getAttribute("data-status"), "sent"),
        9000,
      );
      assert.match(await text(page.getByTestId("reset-status")), /Last reset email\s*Sent/);
      assert.ok((await calls(page, "staff_card")).length >= 3);
      await shot(page, "staff-card");
      await assertNoHorizontalOverflow(page, "staff card");

      // Escape closes the card and focus returns to the ID card button.
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await dialog.count(), 0));
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "staff-card-3",
        ),
      );
    }));

  test("resendTooSoon from the back end is shown with the countdown", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.evaluate(() => window.__clinic.setHiddenCooldown(10, 42));
      await page.getByTestId("staff-card-10").click();
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-yes").click();
      assert.match(await text(page.getByTestId("error")), /less than a minute ago/);
      const countdown = await text(page.getByTestId("resend-countdown"));
      const secs = Number(/^Resend available in (\d+) s$/.exec(countdown)?.[1]);
      assert.ok(secs > 30 && secs <= 42, `countdown: ${countdown}`);
      assert.equal(await page.getByTestId("reset-password").isDisabled(), true);
    }));

  test("failed and expired deliveries explain themselves and offer Resend", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-5").click();
      const status = page.getByTestId("reset-status");
      assert.equal(await status.getAttribute("data-status"), "failed");
      assert.match(await text(status), /Failed[\s\S]*550 5\.1\.1 Mailbox unavailable/);
      assert.equal(await page.getByTestId("resend").isEnabled(), true);
      await shot(page, "staff-card-failed");
      await page.keyboard.press("Escape");

      await page.getByTestId("staff-card-7").click();
      assert.equal(await page.getByTestId("reset-status").getAttribute("data-status"), "expired");
      assert.match(await text(page.getByTestId("reset-status")), /expired before it could be sent/);
      await page.getByTestId("resend").click();
      assert.match(await text(page.getByTestId("reset-message")), /c•••@riverside-vet\.example/);
    }));

  test("one-time code is shown big with its expiry and a hand-over note", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("one-time-code").click();
      const value = page.getByTestId("one-time-code-value");
      assert.equal(await text(value), "K7P2-9XQM");
      const font = await value.evaluate((el) => {
        const s = getComputedStyle(el);
        return { size: parseFloat(s.fontSize), family: s.fontFamily };
      });
      assert.ok(font.size >= 32, `code font ${font.size}px`);
      assert.match(font.family, /mono/i);
      assert.match(
        await text(page.getByTestId("one-time-code-expiry")),
        /Valid until .+\(15 min left\)/,
      );
      assert.match(await text(page.getByTestId("one-time-code-panel")), /in person/);
      assert.deepEqual(await calls(page, "issue_one_time_code"), [{ staffId: 3 }]);
      await shot(page, "staff-card-code");
    }));

  test("staff without email: explanation and inline add-email form", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-4").click();
      assert.match(
        await text(page.getByTestId("no-email")),
        /no email address on file for Taylor Lee/,
      );
      assert.equal(await page.getByTestId("reset-password").isDisabled(), true);
      await page.getByLabel("Add email address").waitFor();
      await shot(page, "staff-card-no-email");

      // The back end judges the address; its error, with the field, lands under the input.
      const input = page.getByTestId("staff-email-input");
      await input.fill("not-an-email");
      await page.getByTestId("save-email").click();
      const invalidEmail = message("invalidEmail", { field: "Email" });
      assert.equal(
        await text(page.getByTestId("email-form").locator(".field-error")),
        invalidEmail,
      );
      assert.equal(await input.getAttribute("aria-invalid"), "true");
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        "staff-email-input",
      );
      assert.deepEqual(await calls(page, "update_staff_email"), [
        { staffId: 4, email: "not-an-email" },
      ]);

      await page.getByTestId("staff-email-input").fill("t.lee@riverside-vet.example");
      await page.getByTestId("save-email").click();
      await eventually(async () =>
        assert.match(await text(page.getByTestId("card-email")), /^t\.lee@riverside-vet\.example/),
      );
      assert.deepEqual(await calls(page, "update_staff_email"), [
        { staffId: 4, email: "not-an-email" },
        { staffId: 4, email: "t.lee@riverside-vet.example" },
      ]);
      assert.equal(await page.getByTestId("no-email").count(), 0);
      assert.equal(await page.getByTestId("reset-password").isEnabled(), true);
      await page.keyboard.press("Escape");
      await eventually(async () =>
        assert.match(await text(page.getByTestId("staff-row-4")), /t\.lee@riverside-vet\.example/),
      );
    }));

  test("office manager: no Settings, and an admin's card explains why reset is not possible", () =>
    withApp(async (page) => {
      await signIn(page, "ochen");
      assert.equal(await text(page.getByTestId("session-role")), "Office Manager");
      assert.equal(await page.getByTestId("nav-settings").count(), 0);
      await page.getByTestId("nav-activity").waitFor();
      await page.getByTestId("nav-preview").waitFor();
      await page.getByTestId("staff-card-6").click();
      assert.match(
        await text(page.getByTestId("cannot-reset")),
        /Office managers can't reset an admin's password/,
      );
      assert.equal(await page.getByTestId("reset-password").count(), 0);
      assert.equal(await page.getByTestId("one-time-code").count(), 0);
      await shot(page, "staff-card-manager");
    }));

  test("an ended session returns to sign-in with a notice", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.evaluate(() => window.__clinic.failNext("staff_card", "notSignedIn"));
      await page.getByTestId("staff-card-3").click();
      assert.match(await text(page.getByTestId("session-ended")), /session has ended/);
      await page.getByTestId("login-username").waitFor();
    }));
});
