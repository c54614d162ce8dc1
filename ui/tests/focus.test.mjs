// Visible focus: Tab goes round every main screen, and each stop is on screen with a clear ring.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useChromium, withApp } from "./chromium.mjs";
import { eventually, signIn } from "./page.mjs";
import { tabAround } from "./keys.mjs";

useChromium();

/** Every stop of one round, and that `expected` are among them. */
async function round(page, expected) {
  const stops = await tabAround(page);
  for (const testid of expected) assert.ok(stops.includes(testid), `${testid} in ${stops}`);
  return stops;
}

describe("visible focus on every screen", () => {
  test("sign-in and Forgot password", () =>
    withApp(async (page) => {
      await round(page, ["login-username", "login-password", "login-submit", "forgot-link"]);
      await page.getByTestId("forgot-link").click();
      await round(page, ["forgot-identifier", "forgot-submit", "back-to-login"]);
    }));

  test("the Staff List and the staff card", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 12),
      );
      const stops = await round(page, ["signout", "nav-clients", "nav-staff", "staff-search"]);
      // The list is one stop: the first row's ID-card button.
      assert.deepEqual(
        stops.filter((s) => s.startsWith("staff-card-")),
        ["staff-card-1"],
      );
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("reset-password").waitFor();
      await round(page, ["dialog-close", "reset-password", "one-time-code"]);
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-yes").waitFor();
      await round(page, ["confirm-yes"]);
    }));

  test("Clients and the client profile", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-clients").click();
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=client-row-]").count(), 100),
      );
      const stops = await round(page, ["client-search", "client-filter", "client-load-more"]);
      assert.equal(stops.filter((s) => s.startsWith("client-open-")).length, 1);
      await page.getByTestId("client-open-1").click();
      await page.getByTestId("paw").waitFor();
      await round(page, ["dialog-close", "paw"]);
    }));

  test("Settings and Activity", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("clinic-name-input").waitFor();
      await round(page, ["clinic-name-input", "transport-preview", "dkim-key-generate"]);
      await page.getByTestId("nav-activity").click();
      await page.getByTestId("activity-filter").waitFor();
      await round(page, ["tab-audit", "activity-filter"]);
    }));
});
