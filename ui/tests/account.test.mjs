// Change password for the signed-in person, from the top bar.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, DEMO_PASSWORD, signIn, text } from "./page.mjs";
import { MESSAGES, PASSWORD_POLICY, message } from "./fixture.mjs";

const NEW_PASSWORD = "lantern meadow copper violin";

useChromium();

const fieldError = (page, testid) =>
  page.locator(".field", { has: page.getByTestId(testid) }).locator(".field-error");

async function fill(page, current, password, confirm = password) {
  await page.getByTestId("current-password").fill(current);
  await page.getByTestId("change-new-password").fill(password);
  await page.getByTestId("change-confirm-password").fill(confirm);
  await page.getByTestId("change-password-submit").click();
}

describe("change password", () => {
  test("errors land under their fields, and a change says the other sessions ended", () =>
    withApp(async (page) => {
      await signIn(page, "jsmith");
      await page.getByTestId("change-password").click();
      await page.getByTestId("change-password-dialog").waitFor();
      await page
        .getByTestId("password-policy")
        .getByText(String(PASSWORD_POLICY.minLength))
        .waitFor();

      await fill(page, "not my password", NEW_PASSWORD);
      assert.equal(await text(fieldError(page, "current-password")), MESSAGES.currentPasswordWrong);
      assert.equal(await page.getByTestId("current-password").inputValue(), "");

      await fill(page, DEMO_PASSWORD, "short");
      assert.equal(
        await text(fieldError(page, "change-new-password")),
        message("passwordTooShort", { min: PASSWORD_POLICY.minLength }),
      );
      await fill(page, DEMO_PASSWORD, NEW_PASSWORD, "lantern meadow copper");
      assert.equal(
        await text(fieldError(page, "change-confirm-password")),
        MESSAGES.passwordMismatch,
      );
      await shot(page, "change-password-error");

      await fill(page, DEMO_PASSWORD, NEW_PASSWORD);
      assert.equal(
        await text(page.getByTestId("password-changed")),
        "Your password was changed. Your other sessions were signed out.",
      );
      assert.equal(await page.getByTestId("change-password-dialog").count(), 0);
      assert.deepEqual((await calls(page, "change_password")).at(-1), {
        current: DEMO_PASSWORD,
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      await shot(page, "change-password-done");

      await page.getByTestId("signout").click();
      await signIn(page, "jsmith", NEW_PASSWORD);
    }));

  test("an empty form asks for the current password and sends nothing", () =>
    withApp(async (page) => {
      await signIn(page, "jsmith");
      await page.getByTestId("change-password").click();
      await page.getByTestId("change-password-submit").click();
      await page.getByText("Enter your current password.").waitFor();
      assert.deepEqual(await calls(page, "change_password"), []);
      await page.getByTestId("dialog-close").click();
      assert.equal(await page.getByTestId("change-password-dialog").count(), 0);
    }));
});
