// axe-core (WCAG 2.2 A/AA) on Settings and each of its parts, Activity, Mail preview, the home
// page, the change-password dialog, the "mail not sent" notice, and working offline.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { useChromium, withApp } from "./chromium.mjs";
import { DEMO_PASSWORD, calls, eventually, signIn } from "./page.mjs";

useChromium();

async function openSettings(page, who = "amorgan") {
  await signIn(page, who);
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("min-length").waitFor();
}

/** Settings › DKIM with a domain and selector saved. */
async function dkimReady(page) {
  await page.getByTestId("dkim-domain").fill("riverside-vet.example");
  await page.getByTestId("dkim-selector").fill("desk2");
  await page.getByTestId("settings-save").click();
  await page.getByTestId("settings-saved").waitFor();
}

describe("axe: settings", () => {
  test("the form, its refusal, SMTP, the test email and the clinic URL check", () =>
    withApp(async (page) => {
      await openSettings(page);
      await assertAccessible(page, "settings");
      await page.getByTestId("min-length").fill("7");
      await page.getByTestId("settings-save").click();
      await page.locator(".settings-form .field-error").waitFor();
      await assertAccessible(page, "settings, field refused");
      await page.getByTestId("min-length").fill("15");

      await page.getByTestId("transport-smtp").check();
      await page.getByTestId("smtp-fields").waitFor();
      await assertAccessible(page, "settings, mail delivery by SMTP");
      await page.getByTestId("transport-preview").check();

      await page.getByTestId("test-recipient").fill("front desk");
      await page.getByTestId("test-send").click();
      await page.getByTestId("test-email").locator(".field-error").waitFor();
      await assertAccessible(page, "settings, test email refused");
      await page.getByTestId("test-recipient").fill("front.desk@riverside-vet.example");
      await page.getByTestId("test-send").click();
      await page
        .getByTestId("test-result")
        .getByText(/preview outbox/)
        .waitFor();
      await assertAccessible(page, "settings, test email sent");

      await page.getByTestId("clinic-url").fill("https://portal.riverside-vet.example");
      await page.getByTestId("clinic-url-check").click();
      await eventually(async () => assert.equal((await calls(page, "check_clinic_url")).length, 1));
      await page.getByTestId("clinic-url-status").locator("*").first().waitFor();
      await assertAccessible(page, "settings, clinic URL checked");
    }));

  test("DKIM: a key, its DNS record, and the replace question", () =>
    withApp(async (page) => {
      await openSettings(page);
      await dkimReady(page);
      await page.getByTestId("dkim-key-input").fill("ssh-rsa AAAA clinic@desk");
      await page.getByTestId("dkim-key-save").click();
      await page
        .locator(".field", { has: page.getByTestId("dkim-key-input") })
        .locator(".field-error")
        .waitFor();
      await assertAccessible(page, "settings, DKIM key refused");
      await page.getByTestId("dkim-key-input").fill("");
      await page.getByTestId("dkim-key-generate").click();
      await page.getByTestId("dkim-record").waitFor();
      await assertAccessible(page, "settings, DKIM record");
      await page.getByTestId("dkim-key-generate").click();
      await page.getByTestId("dkim-replace").waitFor();
      await assertAccessible(page, "settings, DKIM replace question");
    }));

  test("server key export behind the password dialog; no keyring", () =>
    withApp(
      { config: { keyringWarning: "The system keyring is not available." } },
      async (page) => {
        await openSettings(page);
        await page.getByTestId("keyring-warning").waitFor();
        await assertAccessible(page, "settings, no keyring");
        await page.evaluate(() => (window.__clinic.state.authenticatedAt = 0));
        await page.getByTestId("server-key-export").click();
        await page.getByTestId("confirm-password").waitFor();
        await assertAccessible(page, "confirm password dialog");
        await page.getByTestId("confirm-password").fill("not my password");
        await page.getByTestId("confirm-password-submit").click();
        await page.locator(".field-error").waitFor();
        await assertAccessible(page, "confirm password dialog, wrong password");
        await page.getByTestId("confirm-password").fill(DEMO_PASSWORD);
        await page.getByTestId("confirm-password-submit").click();
        await page.getByTestId("server-key-path").waitFor();
        await assertAccessible(page, "settings, server key exported");
      },
    ));

  test("the clinic database: a server form, its check, and the move dialog", () =>
    withApp(
      { config: { demo: false, databaseServers: { "db.bayside.lan": "empty" } } },
      async (page) => {
        await openSettings(page);
        await page.getByTestId("database-server").check();
        await page.getByTestId("database-test").click();
        await page
          .locator(".field", { has: page.getByTestId("database-host") })
          .locator(".field-error")
          .waitFor();
        await assertAccessible(page, "settings, database server refused");
        await page.getByTestId("database-host").fill("db.bayside.lan");
        await page.getByTestId("database-user").fill("frontdesk");
        await page.getByTestId("database-password").fill("harbor lantern");
        await page.getByTestId("database-test").click();
        await page.getByTestId("database-check-empty").waitFor();
        await assertAccessible(page, "settings, database server checked");
        await page.getByTestId("database-move").click();
        await page.getByTestId("move-dialog").waitFor();
        await assertAccessible(page, "move to server dialog");
      },
    ));

  test("the clinic's keys: held, and missing with an import refused", () =>
    withApp({ config: { demo: false, onServer: true, keysHeld: false } }, async (page) => {
      await openSettings(page);
      await page.getByTestId("clinic-keys-missing").waitFor();
      await page.getByTestId("clinic-keys-path").fill("/media/usb/rota.txt");
      await page.getByTestId("clinic-keys-path").press("Enter");
      await page
        .locator(".field", { has: page.getByTestId("clinic-keys-path") })
        .locator(".field-error")
        .waitFor();
      await assertAccessible(page, "settings, clinic keys import refused");
      await page.getByTestId("clinic-keys-path").fill("/media/usb/vetdesk-clinic-keys.key");
      await page.getByTestId("clinic-keys-import").click();
      await page.getByTestId("clinic-keys-held").waitFor();
      await assertAccessible(page, "settings, clinic keys held");
    }));
});

describe("axe: activity, mail, account", () => {
  test("Activity's two tabs and the Mail preview's two views", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-activity").click();
      await page.getByTestId("audit-table").waitFor();
      await assertAccessible(page, "activity, audit events");
      await page.getByTestId("tab-emails").click();
      await page.getByTestId("email-table").locator("tbody tr").first().waitFor();
      await assertAccessible(page, "activity, emails");

      await page.getByTestId("nav-preview").click();
      await page.getByTestId("mail-list").locator("button").first().click();
      await page.getByTestId("mail-html").waitFor();
      await assertAccessible(page, "mail preview, HTML");
      await page.getByTestId("mail-tab-text").click();
      await page.getByTestId("mail-text").waitFor();
      await assertAccessible(page, "mail preview, text");
    }));

  test("the change-password dialog, its errors, and the notice after", () =>
    withApp(async (page) => {
      await signIn(page, "jsmith");
      await page.getByTestId("change-password").click();
      await page.getByTestId("change-password-dialog").waitFor();
      await page.getByTestId("password-policy").waitFor();
      await assertAccessible(page, "change password dialog");
      await page.getByTestId("current-password").fill("not my password");
      await page.getByTestId("change-new-password").fill("short");
      await page.getByTestId("change-confirm-password").fill("short");
      await page.getByTestId("change-password-submit").click();
      await page.locator(".field-error").first().waitFor();
      await assertAccessible(page, "change password dialog, refused");
      const fresh = "lantern meadow copper violin";
      await page.getByTestId("current-password").fill(DEMO_PASSWORD);
      await page.getByTestId("change-new-password").fill(fresh);
      await page.getByTestId("change-confirm-password").fill(fresh);
      await page.getByTestId("change-password-submit").click();
      await page.getByTestId("password-changed").waitFor();
      await assertAccessible(page, "password changed notice");
    }));

  test("a receptionist's home page", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      await page.getByTestId("nav-home").click();
      await page.getByTestId("home").waitFor();
      await assertAccessible(page, "home");
    }));

  test("mail not sent: the notice on the Staff List and on Settings", () =>
    withApp({ config: { demo: false } }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("mail-not-sent").waitFor();
      await assertAccessible(page, "staff list, mail not sent");
      await page.getByTestId("mail-not-sent-settings").click();
      await page.getByTestId("min-length").waitFor();
      await assertAccessible(page, "settings, mail not sent");
    }));
});

describe("axe: offline", () => {
  const config = {
    demo: false,
    onServer: true,
    mailTransport: "smtp",
    clinicUrl: "https://riverside-vet.example",
  };
  const setOnline = (page, online) => page.evaluate((o) => window.__clinic.setOnline(o), online);

  test("the offline banner, a queued reset, the queued-actions panel, and the replay", () =>
    withApp({ config }, async (page) => {
      await signIn(page, "amorgan");
      await eventually(async () => assert.ok((await calls(page, "connection_status")).length > 0));
      await setOnline(page, false);
      await page.getByTestId("offline-banner").waitFor();
      await assertAccessible(page, "staff list, offline");
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-yes").click();
      await page.getByTestId("reset-message").waitFor();
      await assertAccessible(page, "staff card, reset queued");
      await page.keyboard.press("Escape");
      await page.getByTestId("queued-actions").locator("tbody tr").first().waitFor();
      await assertAccessible(page, "queued actions panel");
      await page.getByTestId("nav-clients").click();
      await page.getByTestId("client-search").waitFor();
      await assertAccessible(page, "clients list, offline");
      await setOnline(page, true);
      await eventually(async () =>
        assert.equal(await page.getByTestId("offline-banner").count(), 0),
      );
      await page.locator("[data-testid^=queued-state-]").getByText("Sent").waitFor();
      await assertAccessible(page, "queued actions replayed");
    }));
});
