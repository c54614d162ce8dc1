// Every screen fits a 1024x700 window.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { assertNoHorizontalOverflow, eventually, signIn } from "./page.mjs";

useChromium();

describe("small window (1024x700)", () => {
  const small = { viewport: { width: 1024, height: 700 } };

  test("sign-in and set-password fit", () =>
    withApp(small, async (page) => {
      await assertNoHorizontalOverflow(page, "sign-in");
      const box = await page.getByTestId("login-submit").boundingBox();
      assert.ok(box && box.y + box.height <= 700, "sign-in button is on screen");
      await shot(page, "login-1024");
      await page.evaluate(() => window.__clinic.emitResetLink("link-valid-token"));
      await page.getByTestId("new-password").waitFor();
      await assertNoHorizontalOverflow(page, "set password");
      await shot(page, "set-password-1024");
    }));

  test("shell, staff card, settings and activity fit", () =>
    withApp(small, async (page) => {
      await signIn(page, "amorgan");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 12),
      );
      await assertNoHorizontalOverflow(page, "staff list");
      await page.getByTestId("staff-card-9").click();
      await page.getByTestId("one-time-code").click();
      await page.getByTestId("one-time-code-value").waitFor();
      await assertNoHorizontalOverflow(page, "staff card");
      await shot(page, "staff-card-1024");
      await page.keyboard.press("Escape");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("min-length").waitFor();
      await assertNoHorizontalOverflow(page, "settings");
      await shot(page, "settings-1024");
      await page.getByTestId("nav-activity").click();
      await page.getByTestId("audit-table").waitFor();
      await shot(page, "activity-1024");
      await page.getByTestId("nav-preview").click();
      await page.getByTestId("mail-list").waitFor();
      await assertNoHorizontalOverflow(page, "mail preview");
      // An admin's Clients list has the bulk invitation controls and a column of checkboxes.
      await page.getByTestId("nav-clients").click();
      await page.getByTestId("bulk-bar").waitFor();
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=client-select-]").count(), 100),
      );
      await assertNoHorizontalOverflow(page, "clients with bulk invitations");
    }));
});
