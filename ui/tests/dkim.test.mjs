// Settings › Mail › DKIM signing: the domain and selector saved with the settings, the private
// key saved to, generated in, or removed from this computer's keyring, and the DNS record.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { DEMO_PASSWORD, calls, eventually, signIn, text } from "./page.mjs";
import { message } from "./fixture.mjs";

useChromium();

const BODY = `MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ${"Dk7q".repeat(400)}`;
const wrap = (label, body) =>
  `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g).join("\n")}\n-----END ${label}-----\n`;
const GOOD_KEY = wrap("PRIVATE KEY", BODY);
const PUBLIC_KEY = wrap(
  "PUBLIC KEY",
  "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo",
);
const CUT_OFF = wrap("PRIVATE KEY", BODY.slice(0, 200));

const fieldError = (page, testid) =>
  page.locator(".field", { has: page.getByTestId(testid) }).locator(".field-error");
const focused = (page) => page.evaluate(() => document.activeElement?.dataset.testid ?? null);

async function openSettings(page) {
  await signIn(page, "amorgan");
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("dkim").waitFor();
}

async function saveSettings(page) {
  const before = (await calls(page, "save_settings")).length;
  await page.getByTestId("settings-save").click();
  await eventually(async () =>
    assert.equal((await calls(page, "save_settings")).length, before + 1),
  );
}

describe("DKIM signing", () => {
  test("domain and selector are checked and saved with the settings", () =>
    withApp(async (page) => {
      await openSettings(page);
      assert.equal(await page.getByTestId("dkim-domain").inputValue(), "");
      assert.equal(
        await text(page.getByTestId("dkim-record-missing")),
        "Save a DKIM domain and selector to see the DNS record to publish.",
      );

      // Another domain than the From address's would sign mail providers do not count.
      await page.getByTestId("dkim-domain").fill("mail.example");
      await page.getByTestId("dkim-selector").fill("vetdesk1");
      await saveSettings(page);
      assert.equal(
        await text(fieldError(page, "dkim-domain")),
        message("dkimNotAligned", { from: "riverside-vet.example", domain: "mail.example" }),
      );
      await eventually(async () => assert.equal(await focused(page), "dkim-domain"));

      await page.getByTestId("dkim-domain").fill("Riverside-Vet.example");
      assert.equal(await fieldError(page, "dkim-domain").count(), 0);
      await page.getByTestId("dkim-selector").fill("vet desk");
      await saveSettings(page);
      assert.equal(await text(fieldError(page, "dkim-selector")), message("dkimSelectorInvalid"));

      await page.getByTestId("dkim-selector").fill("");
      await saveSettings(page);
      assert.equal(
        await text(fieldError(page, "dkim-selector")),
        message("required", { field: "DKIM selector" }),
      );

      await page.getByTestId("dkim-selector").fill("VetDesk1");
      await saveSettings(page);
      await page.getByTestId("settings-saved").waitFor();
      assert.deepEqual((await calls(page, "save_settings")).at(-1).settings.mail.dkim, {
        domain: "Riverside-Vet.example",
        selector: "VetDesk1",
      });
      // As the back end keeps them.
      assert.equal(await page.getByTestId("dkim-domain").inputValue(), "riverside-vet.example");
      assert.equal(await page.getByTestId("dkim-selector").inputValue(), "vetdesk1");
      await eventually(async () =>
        assert.equal(
          await text(page.getByTestId("dkim-record-missing")),
          "Save or generate a key to see the DNS record to publish.",
        ),
      );

      // Both emptied turn signing off.
      await page.getByTestId("dkim-domain").fill("");
      await page.getByTestId("dkim-selector").fill("");
      await saveSettings(page);
      assert.equal((await calls(page, "save_settings")).at(-1).settings.mail.dkim, null);
    }));

  test("a pasted key is checked, kept out of sight, and its record can be copied", () =>
    withApp(async (page) => {
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      await openSettings(page);
      await page.getByTestId("dkim-domain").fill("riverside-vet.example");
      await page.getByTestId("dkim-selector").fill("vetdesk1");
      await saveSettings(page);
      await page.getByTestId("settings-saved").waitFor();

      const key = page.getByTestId("dkim-key-input");
      const saveKey = page.getByTestId("dkim-key-save");
      assert.equal(await saveKey.isDisabled(), true, "nothing pasted yet");
      for (const [pasted, expected] of [
        ["ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ clinic@desk", message("dkimKeyNotPem")],
        [PUBLIC_KEY, message("dkimKeyPublic")],
        [CUT_OFF, message("dkimKeyDamaged")],
      ]) {
        await key.fill(pasted);
        await saveKey.click();
        assert.equal(await text(fieldError(page, "dkim-key-input")), expected);
        assert.equal(await key.getAttribute("aria-invalid"), "true");
        await eventually(async () => assert.equal(await focused(page), "dkim-key-input"));
        assert.equal(await page.getByTestId("dkim-record").count(), 0);
      }
      assert.equal(await page.getByTestId("error").count(), 0, "no alert beside the field error");

      // Five minutes after sign-in, the password is asked for first, then the key is saved.
      await page.evaluate(() => (window.__clinic.state.authenticatedAt = 0));
      await key.fill(GOOD_KEY);
      assert.equal(await fieldError(page, "dkim-key-input").count(), 0);
      await saveKey.click();
      await page.getByTestId("confirm-password").fill(DEMO_PASSWORD);
      await page.getByTestId("confirm-password-submit").click();
      await page.getByTestId("dkim-record").waitFor();
      assert.deepEqual((await calls(page, "set_dkim_key")).at(-1), { key: GOOD_KEY });
      assert.equal(
        await text(page.getByTestId("dkim-key-status")),
        "The key was saved in this computer's keyring.",
      );
      // Never shown back: the field is empty, and no text on the page holds the key.
      assert.equal(await key.inputValue(), "");
      assert.equal(await key.getAttribute("placeholder"), "A key is stored on this computer");
      const shown = await page.evaluate(() => document.body.innerText);
      assert.ok(!shown.includes(BODY.slice(60, 120)), "the private key is not on the page");
      assert.match(
        await text(page.getByTestId("dkim-keyring-hint")),
        /kept in this computer's keyring.*every computer that sends the clinic's mail needs/,
      );

      const name = page.getByTestId("dkim-record-name");
      const value = page.getByTestId("dkim-record-value");
      assert.equal(await name.inputValue(), "vetdesk1._domainkey.riverside-vet.example");
      const record = await value.inputValue();
      assert.match(
        record,
        /^v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA[\w+/]+IDAQAB$/,
      );
      await value.evaluate((el) => el.scrollIntoView({ block: "center" }));
      await shot(page, "settings-dkim");

      await page.getByTestId("dkim-record-name-copy").click();
      assert.equal(await text(page.getByTestId("dkim-record-name-copied")), "Copied.");
      assert.equal(
        await page.evaluate(() => navigator.clipboard.readText()),
        "vetdesk1._domainkey.riverside-vet.example",
      );
      await page.getByTestId("dkim-record-value-copy").click();
      await eventually(async () =>
        assert.equal(await page.evaluate(() => navigator.clipboard.readText()), record),
      );

      // Where the clipboard is refused, the value is selected for Ctrl+C instead.
      await page.evaluate(() => {
        navigator.clipboard.writeText = () => Promise.reject(new Error("not allowed"));
      });
      await page.getByTestId("dkim-record-value-copy").click();
      assert.equal(
        await text(page.getByTestId("dkim-record-value-copied")),
        "Selected: press Ctrl+C (⌘C on a Mac) to copy.",
      );
      assert.equal(await focused(page), "dkim-record-value");
      assert.equal(
        await value.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd)),
        record,
      );

      // The record comes back from the keyring on the next visit.
      await page.getByTestId("nav-activity").click();
      await page.getByTestId("nav-settings").click();
      await eventually(async () =>
        assert.equal(await page.getByTestId("dkim-record-value").inputValue(), record),
      );
    }));

  test("Generate makes a key (asking before it replaces one); Remove hides the record", () =>
    withApp(async (page) => {
      await openSettings(page);
      await page.getByTestId("dkim-domain").fill("riverside-vet.example");
      await page.getByTestId("dkim-selector").fill("desk2");
      await saveSettings(page);
      await page.getByTestId("settings-saved").waitFor();

      await page.getByTestId("dkim-key-generate").click();
      await page.getByTestId("dkim-record").waitFor();
      assert.match(await text(page.getByTestId("dkim-key-status")), /^A new 2048-bit key was made/);
      assert.equal(
        await page.getByTestId("dkim-record-name").inputValue(),
        "desk2._domainkey.riverside-vet.example",
      );
      const first = await page.getByTestId("dkim-record-value").inputValue();
      assert.equal((await calls(page, "generate_dkim_key")).length, 1);

      // A key is stored now: another one would break the published record, so it asks.
      await page.getByTestId("dkim-key-generate").click();
      await page.getByTestId("dkim-replace").waitFor();
      assert.equal((await calls(page, "generate_dkim_key")).length, 1);
      await page.getByRole("button", { name: "Keep the stored key" }).click();
      assert.equal(await page.getByTestId("dkim-replace").count(), 0);
      await page.getByTestId("dkim-key-generate").click();
      await page.getByTestId("dkim-replace-yes").click();
      await eventually(async () =>
        assert.notEqual(await page.getByTestId("dkim-record-value").inputValue(), first),
      );
      assert.equal((await calls(page, "generate_dkim_key")).length, 2);

      await page.getByTestId("dkim-key-remove").click();
      await eventually(async () => assert.equal(await page.getByTestId("dkim-record").count(), 0));
      assert.deepEqual((await calls(page, "set_dkim_key")).at(-1), { key: null });
      assert.equal(
        await text(page.getByTestId("dkim-record-missing")),
        "Save or generate a key to see the DNS record to publish.",
      );
      assert.match(await text(page.getByTestId("dkim-key-status")), /^The key was removed/);
      assert.equal(await page.getByTestId("dkim-key-remove").isDisabled(), true);
      assert.equal(await page.evaluate(() => window.__clinic.state.dkimKey), null);
    }));
});
