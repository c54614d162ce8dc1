// A shared front desk: the idle lock over the current page, the lock screen, and the password
// asked again in place before a sensitive change.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, DEMO_PASSWORD, eventually, signIn, text } from "./page.mjs";
import { MESSAGES } from "./fixture.mjs";

useChromium();

const fieldError = (page, testid) =>
  page.locator(".field", { has: page.getByTestId(testid) }).locator(".field-error");

/** Some input now and then, as a person at the desk makes. */
async function work(page, minutes) {
  for (let i = 0; i < minutes; i++) {
    await page.mouse.move(200 + i, 300);
    await page.clock.fastForward(60_000);
  }
}

describe("idle lock", () => {
  test("an idle desk locks over the page, and the password opens it where it was", () =>
    withApp({ clock: true }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-search").fill("smith");
      await page.clock.fastForward("09:00");
      assert.equal(await page.getByTestId("lock-screen").count(), 0, "not yet after nine minutes");
      await page.clock.fastForward("01:05");
      await page.getByTestId("lock-screen").waitFor();
      assert.equal(
        await text(page.getByTestId("lock-user")),
        "Alex Morgan is signed in. Enter your password to go back to where you were.",
      );
      assert.equal(
        await page.getByTestId("lock-password").evaluate((el) => el === document.activeElement),
        true,
      );
      assert.equal((await calls(page, "lock_session")).length, 1);
      // Escape does not close it, and the page beneath takes no clicks.
      await page.keyboard.press("Escape");
      await page.getByTestId("lock-screen").waitFor();
      await shot(page, "lock-screen");

      await page.getByTestId("lock-password").fill("not my password");
      await page.getByTestId("unlock").click();
      assert.equal(await text(fieldError(page, "lock-password")), MESSAGES.wrongPassword);
      assert.equal(await page.getByTestId("lock-password").inputValue(), "");

      await page.getByTestId("lock-password").fill(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await eventually(async () => assert.equal(await page.getByTestId("lock-screen").count(), 0));
      assert.equal(
        await page.getByTestId("staff-search").inputValue(),
        "smith",
        "the page was kept",
      );
      assert.deepEqual(
        (await calls(page, "confirm_password")).map((a) => a.password),
        ["not my password", DEMO_PASSWORD],
      );
    }));

  test("someone at the desk keeps it open, and reports it at most every half minute", () =>
    withApp({ clock: true }, async (page) => {
      await signIn(page, "jsmith");
      await work(page, 25);
      assert.equal(await page.getByTestId("lock-screen").count(), 0);
      const reports = (await calls(page, "session_activity")).length;
      assert.ok(reports >= 12 && reports <= 26, `${reports} activity reports in 25 minutes`);
    }));

  test("the Lock button locks at once, and another person can sign out from it", () =>
    withApp(async (page) => {
      await signIn(page, "ochen");
      await page.getByTestId("lock-now").click();
      await page.getByTestId("lock-screen").waitFor();
      assert.equal(await text(page.getByTestId("lock-signout")), "Not Olivia Chen? Sign out");
      await page.getByTestId("lock-signout").click();
      await page.getByTestId("login-username").waitFor();
      assert.equal(await page.getByTestId("lock-screen").count(), 0);
      await signIn(page, "jsmith");
      assert.equal(await text(page.getByTestId("session-user")), "Jordan Smith");
    }));

  test("a command refused because the desk locked elsewhere shows the lock screen", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-search").focus();
      // The back end judged the session idle (its own clock), though this window did not.
      await page.evaluate(() => {
        window.__clinic.lockNow();
      });
      // The search's next command is refused, and the window shows why.
      await page.keyboard.type("smith");
      await page.getByTestId("lock-screen").waitFor();
      assert.equal((await calls(page, "lock_session")).length, 0, "the window did not lock itself");
    }));
});

describe("the password asked again", () => {
  test("a one-time code after five minutes asks in place, then goes ahead", () =>
    withApp({ clock: true }, async (page) => {
      await signIn(page, "amorgan");
      await work(page, 6);
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("one-time-code").click();
      await page.getByTestId("confirm-password-dialog").waitFor();
      await shot(page, "confirm-password");
      await page.getByTestId("confirm-password").fill("not my password");
      await page.getByTestId("confirm-password-submit").click();
      assert.equal(await text(fieldError(page, "confirm-password")), MESSAGES.wrongPassword);
      await page.getByTestId("confirm-password").fill(DEMO_PASSWORD);
      await page.getByTestId("confirm-password-submit").click();
      assert.equal(await text(page.getByTestId("one-time-code-value")), "K7P2-9XQM");
      assert.equal(await page.getByTestId("confirm-password-dialog").count(), 0);
      assert.equal((await calls(page, "issue_one_time_code")).length, 2);
    }));

  test("cancelling the question changes nothing and says why", () =>
    withApp({ clock: true }, async (page) => {
      await signIn(page, "amorgan");
      await work(page, 6);
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("one-time-code").click();
      await page.getByTestId("confirm-password-dialog").waitFor();
      await page.keyboard.press("Escape");
      await eventually(async () =>
        assert.equal(await page.getByTestId("confirm-password-dialog").count(), 0),
      );
      await page.getByText(MESSAGES.reauthRequired).waitFor();
      assert.equal(await page.getByTestId("one-time-code-value").count(), 0);
      assert.equal(await page.getByTestId("staff-card").count(), 1, "the staff card stays open");
    }));

  test("saving settings after five minutes asks once, then saves", () =>
    withApp({ clock: true }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const idle = page.getByTestId("idle-lock-minutes");
      await idle.fill("5");
      await work(page, 6);
      await page.getByTestId("settings-save").click();
      await page.getByTestId("confirm-password").fill(DEMO_PASSWORD);
      await page.getByTestId("confirm-password-submit").click();
      await eventually(async () => assert.equal((await calls(page, "save_settings")).length, 2));
      assert.equal(
        (await calls(page, "save_settings")).at(-1).settings.sessions.idleLockMinutes,
        5,
      );
      // Right after the password, a second change does not ask again.
      await idle.fill("7");
      await page.getByTestId("settings-save").click();
      await eventually(async () => assert.equal((await calls(page, "save_settings")).length, 3));
      assert.equal(await page.getByTestId("confirm-password-dialog").count(), 0);
    }));

  test("a session setting out of range is refused under its field", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("max-session-hours").fill("48");
      await page.getByTestId("settings-save").click();
      assert.equal(
        await text(fieldError(page, "max-session-hours")),
        `Sign out after must be between 1 and 24 hours.`,
      );
    }));
});
