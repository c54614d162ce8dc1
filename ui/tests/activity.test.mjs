// Activity and Mail preview.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";

useChromium();

describe("activity", () => {
  test("audit events and emails tabs, filter, status badges", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-activity").click();
      const audit = page.getByTestId("audit-table");
      await audit.waitFor();
      assert.match(await text(audit), /Staff reset sent[\s\S]*failed/i);
      assert.equal(
        await page.getByRole("tab", { name: "Audit events" }).getAttribute("aria-selected"),
        "true",
      );
      await shot(page, "activity");

      await page.getByTestId("activity-filter").fill("throttled");
      await eventually(async () => assert.equal(await audit.locator("tbody tr").count(), 1));
      assert.equal((await calls(page, "list_activity")).at(-1).query, "throttled");

      // Arrow keys move between tabs.
      await page.getByTestId("tab-audit").focus();
      await page.keyboard.press("ArrowRight");
      const emails = page.getByTestId("email-table");
      await emails.waitFor();
      assert.equal((await calls(page, "list_emails")).at(-1).query, "throttled");
      await page.getByTestId("activity-filter").fill("");
      await eventually(async () => assert.ok((await emails.locator("tbody tr").count()) >= 5));
      const badges = await emails.locator(".badge").allInnerTexts();
      for (const s of ["Failed", "Expired", "Sent", "Queued"]) assert.ok(badges.includes(s), s);
      assert.match(await text(emails), /550 5\.1\.1 Mailbox unavailable/);
      await shot(page, "activity-emails");
    }));
});

describe("mail preview", () => {
  test("lists messages, renders HTML in a sandboxed iframe, and has a Text tab", () =>
    withApp({}, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-preview").click();
      const list = page.getByTestId("mail-list");
      await list.waitFor();
      assert.ok((await list.locator("li").count()) >= 2);
      await list.locator("button").first().click();
      const subject = await text(page.getByTestId("mail-subject"));
      assert.equal(subject, "Your VetDesk password was changed");
      const frame = page.getByTestId("mail-html");
      assert.equal(await frame.getAttribute("sandbox"), "");
      assert.match(await frame.getAttribute("srcdoc"), /every other session was signed out/);
      const inner = page.frameLocator("[data-testid=mail-html]");
      assert.match(await inner.locator("body").innerText(), /password for your VetDesk account/);
      await shot(page, "mail-preview");
      await page.getByTestId("mail-tab-text").click();
      assert.match(await text(page.getByTestId("mail-text")), /^Your VetDesk password was changed/);
      assert.ok((await calls(page, "read_preview_mail")).some((a) => typeof a.id === "string"));
      await shot(page, "mail-preview-text");
      // A text-only email with no date opens on the Text tab.
      await page.getByTestId("mail-item-eml-plain").click();
      await eventually(async () =>
        assert.equal(await text(page.getByTestId("mail-subject")), "VetDesk test email"),
      );
      assert.equal(
        await text(page.getByTestId("mail-text")),
        "This is a plain-text test email from VetDesk.",
      );
      await page.getByTestId("mail-tab-html").click();
      assert.match(await text(page.getByTestId("mail-no-html")), /no HTML part/);
      assert.match(await text(page.getByTestId("mail-reader")), /No date/);
    }));
});
