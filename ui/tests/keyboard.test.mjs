// Keyboard only: Forgot password, and a manager's Reset password from the staff card, with
// nothing but keys pressed (no clicks, no fills, no focus set by the test).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, DEMO_PASSWORD, eventually, text } from "./page.mjs";
import { FORGOT_MESSAGE } from "./fixture.mjs";
import { focusProblems, focusedTestid, tabTo } from "./keys.mjs";

useChromium();

const smtp = { config: { mailTransport: "smtp" } };

/** The focus is where a keyboard user sees it. */
async function assertFocusShows(page, testid) {
  assert.equal(await focusedTestid(page), testid);
  assert.deepEqual((await focusProblems(page)).problems, [], testid);
}

describe("keyboard only", () => {
  test("Forgot password: Tab to the link, type, Enter", () =>
    withApp(smtp, async (page) => {
      await tabTo(page, "forgot-link");
      await assertFocusShows(page, "forgot-link");
      await shot(page, "keyboard-forgot-link");
      await page.keyboard.press("Enter");
      await eventually(async () => assert.equal(await focusedTestid(page), "forgot-identifier"));
      await page.keyboard.type("j.smith@riverside-vet.example");
      await shot(page, "keyboard-forgot-typed");
      await page.keyboard.press("Enter");
      assert.equal(await text(page.getByTestId("forgot-message")), FORGOT_MESSAGE);
      assert.deepEqual(await calls(page, "forgot_password"), [
        { identifier: "j.smith@riverside-vet.example" },
      ]);
      // The form gave way to its answer; the focus stays on the screen, not the page's body.
      assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), "BODY");
      await shot(page, "keyboard-forgot-sent");
    }));

  test("a manager resets a password from the staff card", () =>
    withApp(smtp, async (page) => {
      // Sign in: the username field has the focus when the app starts.
      await eventually(async () => assert.equal(await focusedTestid(page), "login-username"));
      await page.keyboard.type("amorgan");
      await tabTo(page, "login-password");
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await page.getByTestId("signout").waitFor();
      assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), "BODY");

      // Setup › Organization › Staff List.
      await tabTo(page, "nav-staff");
      await assertFocusShows(page, "nav-staff");
      await page.keyboard.press("Enter");
      await page.getByTestId("staff-row-3").waitFor();

      // Into the list, then down to Jordan Smith.
      await tabTo(page, "staff-card-1");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await assertFocusShows(page, "staff-card-3");
      await shot(page, "keyboard-staff-row");
      await page.keyboard.press("Enter");
      await page.getByTestId("staff-card").waitFor();

      await tabTo(page, "reset-password");
      await assertFocusShows(page, "reset-password");
      await page.keyboard.press("Enter");
      await eventually(async () => assert.equal(await focusedTestid(page), "confirm-yes"));
      await assertFocusShows(page, "confirm-yes");
      await shot(page, "keyboard-staff-confirm");
      await page.keyboard.press("Enter");

      assert.equal(
        await text(page.getByTestId("reset-message")),
        "Reset password link has been sent to j•••@riverside-vet.example",
      );
      assert.deepEqual(await calls(page, "send_staff_reset"), [{ staffId: 3 }]);
      // Reset password now waits out its countdown; the focus stays in the card.
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => !!document.activeElement?.closest("[data-testid=staff-card]")),
          true,
        ),
      );
      await shot(page, "keyboard-staff-reset-sent");

      // Escape closes the card, and the focus is back on Jordan Smith's ID-card button.
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await focusedTestid(page), "staff-card-3"));
      await assertFocusShows(page, "staff-card-3");
    }));
});
