// Escape closes every dialog and panel, giving the focus back to its opener; Enter in a field
// submits every form.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useChromium, withApp } from "./chromium.mjs";
import { calls, DEMO_PASSWORD, eventually, signIn } from "./page.mjs";
import { focusedTestid } from "./keys.mjs";

useChromium();

const SENDING = { config: { mailTransport: "smtp", clinicUrl: "https://riverside-vet.example" } };

/** Enter on `opener` shows `shown`; Escape hides it and the focus is back on `opener`. */
async function escapeReturns(page, opener, shown) {
  await page.getByTestId(opener).focus();
  await page.keyboard.press("Enter");
  await page.getByTestId(shown).waitFor();
  await page.keyboard.press("Escape");
  await eventually(async () => assert.equal(await page.getByTestId(shown).count(), 0, shown));
  await eventually(async () => assert.equal(await focusedTestid(page), opener, shown));
}

/** Types into `field` and presses Enter there, then waits for `recorded` to say it was sent. */
async function enterSubmits(page, fields, recorded) {
  const entries = Object.entries(fields);
  for (const [testid, value] of entries) await page.getByTestId(testid).fill(value);
  await page.getByTestId(entries.at(-1)[0]).press("Enter");
  await eventually(recorded);
}

const called =
  (page, cmd, n = 1) =>
  async () =>
    assert.equal((await calls(page, cmd)).length, n, `${cmd} called`);

async function openProfile(page, query, id) {
  await page.getByTestId("nav-clients").click();
  await page.getByTestId("client-search").fill(query);
  await page.getByTestId(`client-open-${id}`).waitFor();
  await page.getByTestId(`client-open-${id}`).focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("portal-section").waitFor();
}

describe("Escape closes", () => {
  test("the staff card, its confirmation, Change password and the client profile", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "amorgan");
      await escapeReturns(page, "staff-card-3", "staff-card");
      await page.getByTestId("staff-card-3").press("Enter");
      await escapeReturns(page, "reset-password", "confirm-dialog");
      assert.equal(await page.getByTestId("staff-card").count(), 1, "only the confirmation");
      await page.keyboard.press("Escape");
      // The card is gone before the next opener is reached: a modal card keeps the page inert.
      await eventually(async () => assert.equal(await page.getByTestId("staff-card").count(), 0));
      await escapeReturns(page, "change-password", "change-password-dialog");

      await openProfile(page, "bren", 1);
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await focusedTestid(page), "client-open-1"));
      assert.equal(await page.getByTestId("client-profile").count(), 0);
    }));

  test("the bulk invitation's confirmation", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-clients").click();
      await page.getByTestId("client-filter").check();
      await eventually(async () =>
        assert.equal(await page.getByTestId("bulk-invite").isEnabled(), true),
      );
      await escapeReturns(page, "bulk-invite", "bulk-confirm");
    }));

  test("Settings' replace-the-key question", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("dkim-domain").fill("riverside-vet.example");
      await page.getByTestId("dkim-selector").fill("desk2");
      await page.getByTestId("settings-save").click();
      await page.getByTestId("settings-saved").waitFor();
      await page.getByTestId("dkim-key-generate").click();
      await page.getByTestId("dkim-record").waitFor();
      await page.getByTestId("dkim-key-generate").focus();
      await page.keyboard.press("Enter");
      await page.getByTestId("dkim-replace-yes").focus();
      await page.keyboard.press("Escape");
      assert.equal(await page.getByTestId("dkim-replace").count(), 0);
      assert.equal(await focusedTestid(page), "dkim-key-generate");
      assert.equal((await calls(page, "generate_dkim_key")).length, 1, "nothing replaced");
    }));
});

describe("Enter submits", () => {
  test("sign-in, Forgot password, the reset code and Set new password", () =>
    withApp(async (page) => {
      await page.getByTestId("login-username").fill("amorgan");
      await page.getByTestId("login-password").press("Enter");
      await page.getByText("Enter your password.").waitFor();
      assert.deepEqual(await calls(page, "login"), [], "the empty password is explained");

      await page.getByTestId("forgot-link").click();
      await enterSubmits(page, { "forgot-identifier": "jsmith" }, called(page, "forgot_password"));
      await page.getByTestId("back-to-login").click();

      await page.getByTestId("code-link").click();
      await enterSubmits(page, { "code-username": "tlee", "code-value": "K7P2-9XQM" }, () =>
        page.getByTestId("new-password").waitFor({ timeout: 100 }),
      );
      await enterSubmits(
        page,
        { "new-password": "lantern meadow copper violin", "confirm-password": "lantern meadow" },
        called(page, "complete_reset"),
      );

      await page.getByTestId("back-to-login").click();
      await enterSubmits(
        page,
        { "login-username": "amorgan", "login-password": DEMO_PASSWORD },
        called(page, "login"),
      );
      await page.getByTestId("signout").waitFor();
    }));

  test("the staff and client email forms, Change password and Settings", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-4").click();
      await enterSubmits(
        page,
        { "staff-email-input": "t.lee@riverside-vet.example" },
        called(page, "update_staff_email"),
      );
      await page.keyboard.press("Escape");

      await page.getByTestId("change-password").click();
      await enterSubmits(
        page,
        {
          "current-password": "not it",
          "change-new-password": "x",
          "change-confirm-password": "x",
        },
        called(page, "change_password"),
      );
      await page.keyboard.press("Escape");

      await openProfile(page, "whitf", 4);
      await enterSubmits(
        page,
        { "client-email-input": "grace.whitfield@example.com" },
        called(page, "set_client_email"),
      );
      await page.keyboard.press("Escape");

      await page.getByTestId("nav-settings").click();
      await enterSubmits(
        page,
        { "lifetime-selfResetMinutes": "45" },
        called(page, "save_settings"),
      );
    }));

  test("Confirm it's you", () =>
    withApp({ clock: true }, async (page) => {
      await signIn(page, "amorgan");
      for (let i = 0; i < 6; i++) {
        await page.mouse.move(200 + i, 300);
        await page.clock.fastForward(60_000);
      }
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("one-time-code").click();
      await page.getByTestId("confirm-password-dialog").waitFor();
      await enterSubmits(
        page,
        { "confirm-password": DEMO_PASSWORD },
        called(page, "confirm_password"),
      );
      await page.getByTestId("one-time-code-value").waitFor();
    }));
});
