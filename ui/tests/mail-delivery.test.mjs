// Where mail goes: the banner of a real clinic whose mail is not being sent, and the words for
// an email that only reached the preview outbox.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { message } from "./fixture.mjs";
import { eventually, signIn, text } from "./page.mjs";

useChromium();

const REAL_CLINIC = { config: { demo: false } };

describe("mail not being sent", () => {
  test("a real clinic without email says so on the Staff List and on Settings", () =>
    withApp(REAL_CLINIC, async (page) => {
      await signIn(page, "amorgan");
      const banner = page.getByTestId("mail-not-sent");
      const words = await text(banner);
      assert.match(words, /^Mail is not being sent\./);
      assert.match(words, /Settings › Mail/);
      assert.match(words, /Show one-time code/);
      assert.equal(await banner.getAttribute("role"), null, "not announced on every visit");
      await shot(page, "staff-list-mail-not-sent");

      await page.getByTestId("mail-not-sent-settings").click();
      await page.getByTestId("min-length").waitFor();
      assert.match(await text(page.getByTestId("mail-not-sent")), /Mail is not being sent/);
      assert.equal(await page.getByTestId("mail-not-sent-settings").count(), 0);

      // Once SMTP is saved, mail goes out and the banner goes.
      await page.getByTestId("transport-smtp").check();
      await page.getByTestId("smtp-host").fill("smtp.riverside-vet.example");
      await page.getByTestId("settings-save").click();
      await page.getByTestId("settings-saved").waitFor();
      await eventually(async () => assert.equal(await banner.count(), 0));
      await page.getByTestId("nav-staff").click();
      await page.getByTestId("staff-count").waitFor();
      assert.equal(await banner.count(), 0);
    }));

  test("an office manager is pointed to a one-time code, without a Settings button", () =>
    withApp(REAL_CLINIC, async (page) => {
      await signIn(page, "ochen");
      assert.match(await text(page.getByTestId("mail-not-sent")), /Show one-time code/);
      assert.equal(await page.getByTestId("mail-not-sent-settings").count(), 0);
      await page.getByTestId("nav-activity").click();
      await page.getByTestId("audit-table").waitFor();
      assert.equal(await page.getByTestId("mail-not-sent").count(), 0, "only where it matters");
    }));

  test("no banner in the demo clinic, whose preview is where its mail is read", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-count").waitFor();
      assert.equal(await page.getByTestId("mail-not-sent").count(), 0);
    }));

  test("no banner when a real clinic sends through SMTP", () =>
    withApp({ config: { demo: false, mailTransport: "smtp" } }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-count").waitFor();
      assert.equal(await page.getByTestId("mail-not-sent").count(), 0);
    }));
});

describe("no system keyring", () => {
  const WARNING =
    "The system keyring is not available (no Secret Service). Until one answers, VetDesk keeps its own keys in private files in its data folder, and cannot save an SMTP password.";

  test("the status bar and Settings say so in words", () =>
    withApp({ config: { keyringWarning: WARNING } }, async (page) => {
      await signIn(page, "amorgan");
      assert.equal(await text(page.getByTestId("keyring-status")), "No system keyring");
      assert.equal(await page.getByTestId("keyring-warning").count(), 0, "only on Settings");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("min-length").waitFor();
      assert.equal(await text(page.getByTestId("keyring-warning")), WARNING);
      await shot(page, "settings-no-keyring");
    }));

  test("nothing is said while the keyring answers", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("min-length").waitFor();
      assert.equal(await page.getByTestId("keyring-status").count(), 0);
      assert.equal(await page.getByTestId("keyring-warning").count(), 0);
    }));
});

describe("where a message went", () => {
  /** Sends Jordan Smith a reset from the staff card and waits until the status settles. */
  async function resetJordan(page) {
    await signIn(page, "amorgan");
    await page.getByTestId("staff-card-3").click();
    await page.getByTestId("reset-password").click();
    await page.getByTestId("confirm-yes").click();
    await page.getByTestId("reset-message").waitFor();
    const status = page.getByTestId("reset-status");
    await eventually(
      async () => assert.equal(await status.getAttribute("data-status"), "sent"),
      9000,
    );
    return status;
  }

  test("an email written to the preview outbox is not called accepted", () =>
    withApp(REAL_CLINIC, async (page) => {
      const status = await resetJordan(page);
      assert.equal(
        await text(page.getByTestId("reset-message")),
        message("resetKeptInPreview", { email: "j•••@riverside-vet.example" }),
      );
      assert.equal(await status.getAttribute("data-via"), "preview");
      assert.equal(await text(page.getByTestId("reset-status-badge")), "Preview only");
      const detail = await text(page.getByTestId("reset-status-detail"));
      assert.match(detail, /^Written to the preview outbox, not sent/);
      assert.match(detail, /Show one-time code/);
      assert.doesNotMatch(await text(status), /Accepted by the mail server/);
      await shot(page, "staff-card-preview-only");
    }));

  test("an email a mail server took says it was accepted", () =>
    withApp({ config: { demo: false, mailTransport: "smtp" } }, async (page) => {
      const status = await resetJordan(page);
      assert.equal(
        await text(page.getByTestId("reset-message")),
        message("resetSent", { email: "j•••@riverside-vet.example" }),
      );
      assert.equal(await status.getAttribute("data-via"), "smtp");
      assert.equal(await text(page.getByTestId("reset-status-badge")), "Sent");
      assert.match(
        await text(page.getByTestId("reset-status-detail")),
        /^Accepted by the mail server\./,
      );
    }));

  test("Activity's emails tell the mail server from the preview outbox", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-activity").click();
      await page.getByTestId("tab-emails").click();
      const table = page.getByTestId("email-table");
      await table.waitFor();
      const row = (subject) => table.locator("tbody tr", { hasText: subject });
      const changed = row("Your VetDesk password was changed");
      assert.match(await text(changed), /Preview only/);
      assert.match(await text(changed), /Written to the preview outbox, not sent/);
      assert.doesNotMatch(await text(changed), /Accepted/);
      const sent = table.locator("tbody tr", { hasText: "Accepted by the mail server" });
      assert.equal(await sent.count(), 1);
      assert.match(await text(sent), /Reset your VetDesk password[\s\S]*Sent/);
    }));
});
