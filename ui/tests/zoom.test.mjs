// Text at 200 %, two ways: the whole page zoomed to 200 % on a 1920x1080 screen (a 960x540
// viewport drawn at two device pixels per CSS pixel), and only the text doubled (the root font
// size at 200 %, as the system's text-size setting does) in the usual 1280x800 window. Each main
// screen keeps its text whole, apart and without sideways scrolling.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { assertReadableLayout } from "./layout.mjs";
import { calls, eventually, signIn } from "./page.mjs";

useChromium();

const ZOOMED = { viewport: { width: 960, height: 540 }, deviceScaleFactor: 2 };

async function doubleText(page) {
  await page.evaluate(() => {
    document.documentElement.style.fontSize = "200%";
  });
  const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(size >= 28, `body text is ${size}px with the root font size doubled`);
}

/** Checks the screen; `name` names a screenshot, `prefix` its kind. */
async function check(page, what, prefix, name) {
  await assertReadableLayout(page, `${what} (${prefix})`);
  if (name) await shot(page, `${prefix}-${name}`);
}

/**
 * Walks the main screens, checking each: sign-in, forgot password, set password, Staff List,
 * the staff card, Clients, a client profile, Settings, Activity and the change-password dialog.
 * `shots` lists the screens to photograph.
 */
async function walk(page, prefix, shots) {
  const at = (name) => (shots.includes(name) ? name : null);
  await page.getByTestId("login-username").waitFor();
  await check(page, "sign-in", prefix, at("sign-in"));
  await page.getByTestId("forgot-link").click();
  await page.getByTestId("forgot-identifier").waitFor();
  await check(page, "forgot password", prefix, at("forgot-password"));
  await page.getByTestId("back-to-login").click();
  await page.evaluate(() => window.__clinic.emitResetLink("link-valid-token"));
  await page.getByTestId("password-policy").waitFor();
  await check(page, "set password", prefix, at("set-password"));
  await page.getByTestId("back-to-login").click();

  await signIn(page, "amorgan");
  await eventually(async () =>
    assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 12),
  );
  await check(page, "staff list", prefix, at("staff-list"));
  await page.getByTestId("staff-card-5").click();
  await page.getByTestId("reset-status").waitFor();
  await check(page, "staff card", prefix, at("staff-card"));
  await page.keyboard.press("Escape");
  await eventually(async () => assert.equal(await page.getByTestId("staff-card").count(), 0));

  await page.getByTestId("nav-clients").click();
  await eventually(async () =>
    assert.equal(await page.locator("[data-testid^=client-row-]").count(), 100),
  );
  await check(page, "clients list", prefix, at("clients"));
  await page.getByTestId("client-search").fill("maximiliana");
  await eventually(async () =>
    assert.equal((await calls(page, "search_clients")).at(-1)?.query, "maximiliana"),
  );
  await page.getByTestId("client-open-8").click();
  await page.getByTestId("portal-section").waitFor();
  await check(page, "client profile", prefix, at("client-profile"));
  await page.keyboard.press("Escape");

  await page.getByTestId("nav-settings").click();
  await page.getByTestId("min-length").waitFor();
  await check(page, "settings", prefix, at("settings"));
  await page.getByTestId("nav-activity").click();
  await page.getByTestId("audit-table").locator("tbody tr").first().waitFor();
  await check(page, "activity", prefix, at("activity"));
  await page.getByTestId("change-password").click();
  await page.getByTestId("password-policy").waitFor();
  await check(page, "change-password dialog", prefix, at("change-password"));
}

const ALL = [
  "sign-in",
  "forgot-password",
  "set-password",
  "staff-list",
  "staff-card",
  "clients",
  "client-profile",
  "settings",
  "activity",
  "change-password",
];

describe("text at 200 %", () => {
  test("the page zoomed to 200 % on a 1920x1080 screen", () =>
    withApp(ZOOMED, async (page) => {
      const ratio = await page.evaluate(() => [devicePixelRatio, innerWidth, innerHeight]);
      assert.deepEqual(ratio, [2, 960, 540]);
      await walk(page, "zoom-200", ALL);
    }));

  test("only the text doubled, in a 1280x800 window", () =>
    withApp(async (page) => {
      await doubleText(page);
      await walk(page, "text-200", ["sign-in", "staff-list", "staff-card", "settings"]);
    }));
});
