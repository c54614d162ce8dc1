// Getting back in: forgot password, reset codes and reset links.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";
import {
  FORGOT_MESSAGE,
  FORGOT_MESSAGE_NO_MAIL,
  MESSAGES,
  PASSWORD_POLICY,
  message,
} from "./fixture.mjs";

const NEW_PASSWORD = "lantern meadow copper violin";

useChromium();

describe("forgot password", () => {
  test("disables the button while waiting, then shows the back end's words exactly", () =>
    withApp(async (page) => {
      await page.getByTestId("login-username").fill("jsmith");
      await page.getByTestId("forgot-link").click();
      const field = page.getByTestId("forgot-identifier");
      assert.equal(await field.inputValue(), "jsmith");
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "forgot-identifier",
        ),
      );
      assert.equal(await page.getByLabel("Username or email").count(), 1);
      await field.fill("j.smith@riverside-vet.example");
      await shot(page, "forgot-password");
      await page.getByTestId("forgot-submit").click();
      assert.equal(await page.getByTestId("forgot-submit").isDisabled(), true);
      assert.equal(await text(page.getByTestId("forgot-message")), FORGOT_MESSAGE_NO_MAIL);
      assert.deepEqual(await calls(page, "forgot_password"), [
        { identifier: "j.smith@riverside-vet.example" },
      ]);
      await shot(page, "forgot-password-sent");
      await page.getByTestId("back-to-login").click();
      await page.getByTestId("login-username").waitFor();
    }));

  test("an unknown account gets the same words", () =>
    withApp(async (page) => {
      await page.getByTestId("forgot-link").click();
      await page.getByTestId("forgot-identifier").fill("nobody-here");
      await page.getByTestId("forgot-submit").click();
      assert.equal(await text(page.getByTestId("forgot-message")), FORGOT_MESSAGE_NO_MAIL);
    }));

  test("a clinic that sends mail does not send people to the office manager", () =>
    withApp({ config: { demo: false, mailTransport: "smtp" } }, async (page) => {
      for (const who of ["jsmith", "nobody-here"]) {
        await page.getByTestId("forgot-link").click();
        await page.getByTestId("forgot-identifier").fill(who);
        await page.getByTestId("forgot-submit").click();
        assert.equal(await text(page.getByTestId("forgot-message")), FORGOT_MESSAGE, who);
        await page.getByTestId("back-to-login").click();
      }
    }));

  test("an empty field is explained, not sent", () =>
    withApp(async (page) => {
      await page.getByTestId("forgot-link").click();
      await page.getByTestId("forgot-submit").click();
      assert.match(await text(page.getByTestId("error")), /Enter your username or the email/);
      assert.deepEqual(await calls(page, "forgot_password"), []);
    }));
});

describe("reset with a code", () => {
  test("code → set password: weak, mismatch, then success and sign-in with it", () =>
    withApp(async (page) => {
      // A manager issues the code first.
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-4").click();
      await page.getByTestId("one-time-code").click();
      const code = await text(page.getByTestId("one-time-code-value"));
      await page.keyboard.press("Escape");
      await page.getByTestId("signout").click();

      await page.getByTestId("code-link").click();
      await page.getByTestId("code-username").fill("tlee");
      await page.getByTestId("code-value").fill(code.toLowerCase());
      await shot(page, "reset-code");
      await page.getByTestId("code-submit").click();

      await page.getByTestId("new-password").waitFor();
      assert.match(await text(page.getByTestId("reset-for")), /For tlee/);
      // The policy arrives from the back end just after the form shows.
      await eventually(async () =>
        assert.match(
          await text(page.getByTestId("password-policy")),
          new RegExp(`Use 15 to ${PASSWORD_POLICY.maxLength} characters[\\s\\S]*no other rules`),
        ),
      );
      // Both fields take pasted text and can be shown.
      await page.getByTestId("new-password").fill("short one");
      await page.getByTestId("confirm-password").fill("short one");
      await page.getByRole("button", { name: "Show new password" }).click();
      assert.equal(await page.getByTestId("new-password").getAttribute("type"), "text");
      assert.equal(await page.getByTestId("confirm-password").getAttribute("type"), "text");
      await page.getByTestId("set-password-submit").click();
      assert.equal(await text(page.getByTestId("error")), message("passwordTooShort", { min: 15 }));
      await shot(page, "set-password-weak");

      await page.getByTestId("new-password").fill(NEW_PASSWORD);
      await page.getByTestId("confirm-password").fill(`${NEW_PASSWORD}!`);
      await page.getByTestId("set-password-submit").click();
      await eventually(async () =>
        assert.equal(await text(page.getByTestId("error")), MESSAGES.passwordMismatch),
      );
      // A mismatch names the confirmation field: it is emptied and takes the focus.
      assert.equal(await page.getByTestId("confirm-password").inputValue(), "");
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        "confirm-password",
      );

      await page.getByTestId("confirm-password").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Hide new password" }).click();
      await shot(page, "set-password");
      await page.getByTestId("set-password-submit").click();
      assert.equal(
        await text(page.getByTestId("reset-done")),
        "Your password was changed. Sign in with your new password.",
      );
      const resets = await calls(page, "complete_reset");
      assert.deepEqual(resets.at(-1), {
        secret: { kind: "code", username: "tlee", code: code.toLowerCase() },
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      // No automatic sign-in; the username is kept for convenience.
      assert.equal(await page.getByTestId("signout").count(), 0);
      assert.equal(await page.getByTestId("login-username").inputValue(), "tlee");
      await page.getByTestId("login-password").fill(NEW_PASSWORD);
      await page.getByTestId("login-submit").click();
      await page.getByTestId("signout").waitFor();
      assert.equal(await text(page.getByTestId("session-user")), "Taylor Lee");
    }));

  test("a wrong code says the code is invalid and offers to enter it again", () =>
    withApp(async (page) => {
      await page.getByTestId("code-link").click();
      await page.getByTestId("code-username").fill("tlee");
      await page.getByTestId("code-value").fill("ZZZZ-ZZZZ");
      await page.getByTestId("code-submit").click();
      await page.getByTestId("new-password").fill(NEW_PASSWORD);
      await page.getByTestId("confirm-password").fill(NEW_PASSWORD);
      await page.getByTestId("set-password-submit").click();
      assert.match(await text(page.getByTestId("error")), /no longer valid/);
      assert.equal(await page.getByTestId("set-password-submit").isDisabled(), true);
      await page.getByRole("button", { name: "Enter the code again" }).click();
      await page.getByTestId("code-value").waitFor();
    }));
});

describe("reset link (deep link event)", () => {
  test("checks the link first, names the person, then sets the password", () =>
    withApp(async (page) => {
      await page.evaluate(() => window.__clinic.emitResetLink("link-valid-token"));
      assert.match(await text(page.getByTestId("reset-for")), /For Jordan Smith/);
      assert.deepEqual(await calls(page, "check_reset_link"), [{ token: "link-valid-token" }]);
      await shot(page, "set-password-link");
      await page.getByTestId("new-password").fill(NEW_PASSWORD);
      await page.getByTestId("confirm-password").fill(NEW_PASSWORD);
      await page.getByTestId("set-password-submit").click();
      await page.getByTestId("reset-done").waitFor();
      assert.deepEqual((await calls(page, "complete_reset")).at(-1), {
        secret: { kind: "link", token: "link-valid-token" },
        password: NEW_PASSWORD,
        confirm: NEW_PASSWORD,
      });
      // The same link again is refused up front.
      await page.evaluate(() => window.__clinic.emitResetLink("link-valid-token"));
      assert.match(await text(page.getByTestId("error")), /no longer valid/);
      assert.equal(await page.getByTestId("new-password").count(), 0);
    }));

  test("a link that launched the app (before the listener existed) is picked up", () =>
    withApp({ config: { pendingLink: "link-valid-token" } }, async (page) => {
      assert.match(await text(page.getByTestId("reset-for")), /For Jordan Smith/);
      assert.ok((await calls(page, "pending_reset_link")).length >= 1);
      assert.deepEqual(await calls(page, "check_reset_link"), [{ token: "link-valid-token" }]);
    }));

  test("an expired link shows the tokenInvalid message and a way forward", () =>
    withApp(async (page) => {
      await page.evaluate(() => window.__clinic.emitResetLink("link-expired-token"));
      assert.match(await text(page.getByTestId("error")), /no longer valid/);
      await shot(page, "set-password-link-invalid");
      await page.getByRole("button", { name: "Request a new link" }).click();
      await page.getByTestId("forgot-identifier").waitFor();
    }));

  test("a link that arrives while someone is signed in still opens Set new password", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.evaluate(() => window.__clinic.emitResetLink("link-valid-token"));
      assert.match(await text(page.getByTestId("reset-for")), /Jordan Smith/);
      await page.getByTestId("back-to-login").click();
      await page.getByTestId("signout").waitFor();
    }));
});
