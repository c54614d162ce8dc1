// Setup › Database on a computer whose clinic is on the server: the clinic's keys. A desk that
// holds them exports them for the next desk, after the password when it is stale; a desk that
// does not says what it cannot do, refuses a wrong file under the field, and imports the right
// one. The keys never show: only the file's place and the fingerprint.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { message } from "./fixture.mjs";
import { DEMO_PASSWORD, calls, eventually, signIn, text } from "./page.mjs";

useChromium();

const fieldError = (page) =>
  page.locator(".field", { has: page.getByTestId("clinic-keys-path") }).locator(".field-error");

async function openKeys(page) {
  await signIn(page, "amorgan");
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("clinic-keys").waitFor();
}

describe("the clinic's keys on this computer", () => {
  test("a desk that holds them exports them for another workstation", () =>
    withApp({ config: { demo: false, onServer: true } }, async (page) => {
      await openKeys(page);
      await page.getByTestId("clinic-keys-held").waitFor();
      await page.evaluate(() => (window.__clinic.state.authenticatedAt = 0));
      await page.getByTestId("clinic-keys-export").click();
      await page.getByTestId("confirm-password").fill(DEMO_PASSWORD);
      await page.getByTestId("confirm-password-submit").click();
      await page.getByTestId("clinic-keys-file").waitFor();
      assert.equal(
        await text(page.getByTestId("clinic-keys-file")),
        "/home/frontdesk/.local/share/vetdesk/vetdesk-clinic-keys.key",
      );
      assert.match(await text(page.getByTestId("clinic-keys-fingerprint")), /^[0-9a-f]{32}$/);
      assert.equal((await calls(page, "export_clinic_keys")).length, 2, "refused, then retried");
      assert.equal(await page.getByTestId("clinic-keys-import").count(), 0);
    }));

  test("a desk without them refuses a wrong file under the field, then imports the clinic's", () =>
    withApp({ config: { demo: false, onServer: true, keysHeld: false } }, async (page) => {
      await openKeys(page);
      assert.equal(await text(page.getByTestId("clinic-keys-missing")).then(Boolean), true);
      assert.equal(await page.getByTestId("clinic-keys-export").count(), 0);
      const path = page.getByTestId("clinic-keys-path");
      const tries = [
        ["", message("keysNoPath")],
        ["/media/usb/vetdesk-server-dispatch.key", message("keysServerFile")],
        ["/media/usb/rota.txt", message("keysNotAFile")],
        [
          "/media/usb/other-clinic-keys.key",
          message("keysOtherClinic", { fingerprint: "9b0e4a1f6c3d28e7b5a40f1c6d8e2a93" }),
        ],
      ];
      for (const [typed, said] of tries) {
        await path.fill(typed);
        await path.press("Enter");
        await eventually(async () => assert.equal(await text(fieldError(page)), said));
      }
      await fieldError(page).scrollIntoViewIfNeeded();
      await shot(page, "clinic-keys-import");
      await path.fill("/media/usb/vetdesk-clinic-keys.key");
      await page.getByTestId("clinic-keys-import").click();
      await page.getByTestId("clinic-keys-imported").waitFor();
      await page.getByTestId("clinic-keys-held").waitFor();
      assert.equal(await page.getByTestId("clinic-keys-path").count(), 0);
      const audit = await page.evaluate(() =>
        window.__clinic.state.audit.filter((a) => a.action === "clinic_keys_imported"),
      );
      assert.deepEqual(
        audit.map((a) => a.outcome),
        ["ok", "refused"],
      );
    }));

  test("is not offered for a clinic in this computer's file", () =>
    withApp({ config: { demo: false } }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("database-section").waitFor();
      assert.equal(await page.getByTestId("clinic-keys").count(), 0);
    }));
});
