import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  assertBrowser,
  DEMO_PASSWORD,
  FORGOT_MESSAGE,
  assertNoHorizontalOverflow,
  calls,
  eventually,
  setUp,
  shot,
  signIn,
  tearDown,
  text,
  withApp,
} from "./helpers.mjs";

const NEW_PASSWORD = "lantern meadow copper violin";

before(setUp);
after(tearDown);

test("headless Chromium starts", () => assertBrowser());

describe("sign in", () => {
  test("shows the sign-in screen with labelled fields and links", () =>
    withApp(async (page) => {
      assert.equal(await page.title(), "VetDesk");
      await page.getByLabel("Username").waitFor();
      await page.getByLabel("Password", { exact: true }).waitFor();
      assert.equal(await text(page.getByTestId("forgot-link")), "Forgot password?");
      assert.equal(await text(page.getByTestId("code-link")), "I have a reset code");
      assert.match(await text(page.locator(".brand-clinic")), /Riverside Veterinary Clinic/);
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "login-username",
        ),
      );
      await shot(page, "login");
    }));

  test("a wrong password shows the error in an alert and sends camelCase args", () =>
    withApp(async (page) => {
      await page.getByTestId("login-username").fill("amorgan");
      await page.getByTestId("login-password").fill("not the password");
      await page.getByTestId("login-submit").click();
      const error = page.getByTestId("error");
      assert.match(await text(error), /username and password don't match/);
      assert.equal(await error.getAttribute("role"), "alert");
      assert.deepEqual((await calls(page, "login")).at(-1), {
        username: "amorgan",
        password: "not the password",
      });
      assert.equal(await page.getByTestId("login-password").inputValue(), "");
    }));

  test("throttling shows the message with a countdown and blocks the button", () =>
    withApp(async (page) => {
      for (let i = 0; i < 4; i++) {
        await page.getByTestId("login-username").fill("jsmith");
        await page.getByTestId("login-password").fill(`guess ${i}`);
        await page.getByTestId("login-submit").click();
        await page.getByTestId("error").waitFor();
        await eventually(async () => assert.equal((await calls(page, "login")).length, i + 1));
      }
      const error = page.getByTestId("error");
      assert.match(await text(error), /Too many sign-in attempts/);
      const wait = await text(page.getByTestId("retry-countdown"));
      const secs = Number(/try again in (\d+) s/.exec(wait)?.[1]);
      assert.ok(secs > 20 && secs <= 30, `countdown: ${wait}`);
      assert.equal(await page.getByTestId("login-submit").isDisabled(), true);
      await shot(page, "login-throttled");
    }));

  test("signs in by keyboard alone and shows the admin shell", () =>
    withApp(async (page) => {
      await page.keyboard.type("amorgan");
      await page.keyboard.press("Tab");
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press("Enter");
      await page.getByTestId("signout").waitFor();
      assert.equal(await text(page.getByTestId("clinic-name")), "Riverside Veterinary Clinic");
      assert.equal(await text(page.getByTestId("session-user")), "Alex Morgan");
      assert.equal(await text(page.getByTestId("session-role")), "Admin");
      for (const id of ["nav-staff", "nav-settings", "nav-activity", "nav-preview"]) {
        await page.getByTestId(id).waitFor();
      }
      assert.equal(await text(page.locator(".breadcrumb")), "Setup›Organization›Staff List");
      await page.getByTestId("signout").click();
      await page.getByTestId("login-username").waitFor();
      assert.equal((await calls(page, "logout")).length, 1);
    }));

  test("visible focus ring on keyboard focus", () =>
    withApp(async (page) => {
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      await page.keyboard.press("Tab");
      const outline = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      assert.equal(outline.style, "solid");
      assert.ok(outline.width >= 2, `outline ${outline.width}px`);
    }));
});

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
      assert.equal(await text(page.getByTestId("forgot-message")), FORGOT_MESSAGE);
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
      assert.equal(await text(page.getByTestId("forgot-message")), FORGOT_MESSAGE);
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
      assert.match(
        await text(page.getByTestId("password-policy")),
        /Use 15 to 64 characters[\s\S]*no other rules/,
      );
      // Both fields take pasted text and can be shown.
      await page.getByTestId("new-password").fill("short one");
      await page.getByTestId("confirm-password").fill("short one");
      await page.getByRole("button", { name: "Show new password" }).click();
      assert.equal(await page.getByTestId("new-password").getAttribute("type"), "text");
      assert.equal(await page.getByTestId("confirm-password").getAttribute("type"), "text");
      await page.getByTestId("set-password-submit").click();
      assert.match(await text(page.getByTestId("error")), /too short. Use at least 15/);
      await shot(page, "set-password-weak");

      await page.getByTestId("new-password").fill(NEW_PASSWORD);
      await page.getByTestId("confirm-password").fill(`${NEW_PASSWORD}!`);
      await page.getByTestId("set-password-submit").click();
      await eventually(async () =>
        assert.match(await text(page.getByTestId("error")), /don't match/),
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

describe("staff list and staff card", () => {
  test("lists staff and searches with a debounce", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 12),
      );
      const button = page.getByTestId("staff-card-3");
      assert.equal(await button.getAttribute("aria-label"), "Open staff card for Jordan Smith");
      assert.equal(await button.locator("svg").count(), 1);
      assert.match(await text(page.getByTestId("staff-row-4")), /No email on file/);
      await shot(page, "staff-list");

      await page.getByTestId("staff-search").pressSequentially("smith", { delay: 30 });
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 1),
      );
      assert.match(await text(page.getByTestId("staff-row-3")), /Jordan Smith/);
      const queries = (await calls(page, "list_staff")).map((a) => a.query);
      assert.deepEqual(queries, ["", "smith"], "one call per settled query, not per key");
      assert.match(await text(page.getByTestId("staff-count")), /1 staff member matching “smith”/);

      await page.getByTestId("staff-search").fill("zzz");
      await eventually(async () =>
        assert.match(await text(page.getByTestId("staff-count")), /No staff match “zzz”/),
      );
    }));

  test("reset password: confirmation, masked address, countdown, delivery status", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-3").click();
      const dialog = page.getByTestId("staff-card");
      await dialog.waitFor();
      assert.match(await text(dialog), /Jordan Smith[\s\S]*j\.smith@riverside-vet\.example/);
      assert.equal(await page.getByTestId("resend").count(), 0);

      // Escape closes only the confirmation, and nothing is sent.
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-dialog").waitFor();
      await page.keyboard.press("Escape");
      await eventually(async () =>
        assert.equal(await page.getByTestId("confirm-dialog").count(), 0),
      );
      assert.equal(await dialog.count(), 1);
      // Focus returns to the button that opened the confirmation (after the close settles).
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "reset-password",
        ),
      );
      assert.deepEqual(await calls(page, "send_staff_reset"), []);

      await page.getByTestId("reset-password").click();
      assert.equal(
        await text(page.getByTestId("confirm-text")),
        "Send a reset link to j•••@riverside-vet.example?",
      );
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "confirm-yes",
        ),
      );
      await shot(page, "staff-card-confirm");
      await page.getByTestId("confirm-dialog").getByRole("button", { name: "Cancel" }).waitFor();
      await page.getByTestId("confirm-yes").click();

      assert.equal(
        await text(page.getByTestId("reset-message")),
        "Reset password link has been sent to j•••@riverside-vet.example",
      );
      assert.deepEqual(await calls(page, "send_staff_reset"), [{ staffId: 3 }]);
      await page.getByTestId("resend").waitFor();
      assert.equal(await page.getByTestId("resend").isDisabled(), true);
      const countdown = await text(page.getByTestId("resend-countdown"));
      const secs = Number(/^Resend available in (\d+) s$/.exec(countdown)?.[1]);
      assert.ok(secs > 30 && secs <= 60, `countdown: ${countdown}`);
      // The card polls every 3 s, so the status moves on without any click.
      await eventually(
        async () =>
          assert.equal(await page.getByTestId("reset-status").getAttribute("data-status"), "sent"),
        9000,
      );
      assert.match(await text(page.getByTestId("reset-status")), /Last reset email\s*Sent/);
      assert.ok((await calls(page, "staff_card")).length >= 3);
      await shot(page, "staff-card");
      await assertNoHorizontalOverflow(page, "staff card");

      // Escape closes the card and focus returns to the ID card button.
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await dialog.count(), 0));
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "staff-card-3",
        ),
      );
    }));

  test("resendTooSoon from the back end is shown with the countdown", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.evaluate(() => window.__clinic.setHiddenCooldown(10, 42));
      await page.getByTestId("staff-card-10").click();
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-yes").click();
      assert.match(await text(page.getByTestId("error")), /less than a minute ago/);
      const countdown = await text(page.getByTestId("resend-countdown"));
      const secs = Number(/^Resend available in (\d+) s$/.exec(countdown)?.[1]);
      assert.ok(secs > 30 && secs <= 42, `countdown: ${countdown}`);
      assert.equal(await page.getByTestId("reset-password").isDisabled(), true);
    }));

  test("failed and expired deliveries explain themselves and offer Resend", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-5").click();
      const status = page.getByTestId("reset-status");
      assert.equal(await status.getAttribute("data-status"), "failed");
      assert.match(await text(status), /Failed[\s\S]*550 5\.1\.1 Mailbox unavailable/);
      assert.equal(await page.getByTestId("resend").isEnabled(), true);
      await shot(page, "staff-card-failed");
      await page.keyboard.press("Escape");

      await page.getByTestId("staff-card-7").click();
      assert.equal(await page.getByTestId("reset-status").getAttribute("data-status"), "expired");
      assert.match(await text(page.getByTestId("reset-status")), /expired before it could be sent/);
      await page.getByTestId("resend").click();
      assert.match(await text(page.getByTestId("reset-message")), /c•••@riverside-vet\.example/);
    }));

  test("one-time code is shown big with its expiry and a hand-over note", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("one-time-code").click();
      const value = page.getByTestId("one-time-code-value");
      assert.equal(await text(value), "K7P2-9XQM");
      const font = await value.evaluate((el) => {
        const s = getComputedStyle(el);
        return { size: parseFloat(s.fontSize), family: s.fontFamily };
      });
      assert.ok(font.size >= 32, `code font ${font.size}px`);
      assert.match(font.family, /mono/i);
      assert.match(
        await text(page.getByTestId("one-time-code-expiry")),
        /Valid until .+\(15 min left\)/,
      );
      assert.match(await text(page.getByTestId("one-time-code-panel")), /in person/);
      assert.deepEqual(await calls(page, "issue_one_time_code"), [{ staffId: 3 }]);
      await shot(page, "staff-card-code");
    }));

  test("staff without email: explanation and inline add-email form", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("staff-card-4").click();
      assert.match(
        await text(page.getByTestId("no-email")),
        /no email address on file for Taylor Lee/,
      );
      assert.equal(await page.getByTestId("reset-password").isDisabled(), true);
      await page.getByLabel("Add email address").waitFor();
      await shot(page, "staff-card-no-email");

      await page.getByTestId("staff-email-input").fill("not-an-email");
      await page.getByTestId("save-email").click();
      assert.match(await text(page.locator(".field-error")), /valid email/);
      assert.deepEqual(await calls(page, "update_staff_email"), []);

      await page.getByTestId("staff-email-input").fill("t.lee@riverside-vet.example");
      await page.getByTestId("save-email").click();
      await eventually(async () =>
        assert.match(await text(page.getByTestId("card-email")), /^t\.lee@riverside-vet\.example/),
      );
      assert.deepEqual(await calls(page, "update_staff_email"), [
        { staffId: 4, email: "t.lee@riverside-vet.example" },
      ]);
      assert.equal(await page.getByTestId("no-email").count(), 0);
      assert.equal(await page.getByTestId("reset-password").isEnabled(), true);
      await page.keyboard.press("Escape");
      await eventually(async () =>
        assert.match(await text(page.getByTestId("staff-row-4")), /t\.lee@riverside-vet\.example/),
      );
    }));

  test("office manager: no Settings, and an admin's card explains why reset is not possible", () =>
    withApp(async (page) => {
      await signIn(page, "ochen");
      assert.equal(await text(page.getByTestId("session-role")), "Office Manager");
      assert.equal(await page.getByTestId("nav-settings").count(), 0);
      await page.getByTestId("nav-activity").waitFor();
      await page.getByTestId("nav-preview").waitFor();
      await page.getByTestId("staff-card-6").click();
      assert.match(
        await text(page.getByTestId("cannot-reset")),
        /Office managers can't reset an admin's password/,
      );
      assert.equal(await page.getByTestId("reset-password").count(), 0);
      assert.equal(await page.getByTestId("one-time-code").count(), 0);
      await shot(page, "staff-card-manager");
    }));

  test("an ended session returns to sign-in with a notice", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.evaluate(() => window.__clinic.failNext("staff_card", "notSignedIn"));
      await page.getByTestId("staff-card-3").click();
      assert.match(await text(page.getByTestId("session-ended")), /session has ended/);
      await page.getByTestId("login-username").waitFor();
    }));
});

describe("roles without staff tools", () => {
  test("a receptionist sees a friendly home page and no setup items", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      await page.getByTestId("home").waitFor();
      assert.match(await text(page.getByTestId("home")), /Welcome, Drew/);
      for (const id of ["nav-staff", "nav-settings", "nav-activity", "nav-preview"]) {
        assert.equal(await page.getByTestId(id).count(), 0, id);
      }
      await shot(page, "home");
    }));
});

describe("settings", () => {
  test("validates, saves, keeps the stored SMTP password, and shows test-email errors", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const min = page.getByTestId("min-length");
      await min.waitFor();
      assert.equal(await min.inputValue(), "15");
      await shot(page, "settings");

      await min.fill("7");
      await page.getByTestId("settings-save").click();
      assert.match(await text(page.getByTestId("error")), /need attention/);
      assert.match(await text(page.locator(".field-error")), /can't be below 8/);
      assert.deepEqual(await calls(page, "save_settings"), []);

      // The back end's invalidInput message lands on the field it names.
      await min.fill("12");
      await page.getByTestId("breach-url").fill("http://breach.example/range/");
      await page.getByTestId("settings-save").click();
      assert.match(await text(page.getByTestId("error")), /must start with https/);
      assert.match(await text(page.locator(".field-error")), /must start with https/);

      await page.getByTestId("breach-url").fill("");
      await page.getByTestId("transport-smtp").check();
      await page.getByTestId("smtp-host").fill("smtp.riverside-vet.example");
      await page.getByTestId("smtp-security").selectOption("implicitTls");
      assert.equal(await page.getByTestId("smtp-port").inputValue(), "465");
      await page.getByTestId("smtp-security").selectOption("startTls");
      assert.equal(await page.getByTestId("smtp-port").inputValue(), "587");
      await page.getByTestId("smtp-username").fill("vetdesk");
      await page.getByTestId("smtp-password").fill("s3cret-app-password");
      assert.equal(await page.getByTestId("test-send").isDisabled(), true);
      await page.getByTestId("settings-save").click();
      await page.getByTestId("settings-saved").waitFor();

      const saved = (await calls(page, "save_settings")).at(-1);
      assert.equal(saved.smtpPassword, "s3cret-app-password");
      assert.equal(saved.settings.passwordMinLength, 12);
      assert.equal(saved.settings.breachCheckUrl, null);
      assert.deepEqual(
        { ...saved.settings.mail, hasPassword: undefined },
        {
          transport: "smtp",
          host: "smtp.riverside-vet.example",
          port: 587,
          security: "startTls",
          username: "vetdesk",
          fromName: "Riverside Veterinary Clinic",
          fromAddress: "no-reply@riverside-vet.example",
          replyTo: "front.desk@riverside-vet.example",
          hasPassword: undefined,
        },
      );
      // The stored password is never shown; an empty field means "keep".
      const pw = page.getByTestId("smtp-password");
      assert.equal(await pw.inputValue(), "");
      assert.equal(await pw.getAttribute("placeholder"), "Stored in the OS keyring");
      await page.getByTestId("smtp-fields").scrollIntoViewIfNeeded();
      await shot(page, "settings-smtp");
      // The preview outbox is gone from the menu once SMTP is saved.
      await eventually(async () => assert.equal(await page.getByTestId("nav-preview").count(), 0));

      await page.getByTestId("clinic-phone").fill("+1 555 0199");
      await page.getByTestId("settings-save").click();
      await eventually(async () => assert.equal((await calls(page, "save_settings")).length, 3));
      assert.equal((await calls(page, "save_settings")).at(-1).smtpPassword, null);

      // Removing the stored password sends an empty string.
      await page.getByTestId("smtp-password-remove").check();
      assert.equal(await page.getByTestId("smtp-password").isDisabled(), true);
      await page.getByTestId("settings-save").click();
      await eventually(async () => assert.equal((await calls(page, "save_settings")).length, 4));
      assert.equal((await calls(page, "save_settings")).at(-1).smtpPassword, "");
      await eventually(async () =>
        assert.equal(
          await page.getByTestId("smtp-password").getAttribute("placeholder"),
          "Not set",
        ),
      );
      assert.equal(await page.getByTestId("smtp-password-remove").count(), 0);

      await page.getByTestId("test-recipient").fill("a.morgan@riverside-vet.example");
      await page.getByTestId("test-send").click();
      assert.match(
        await text(page.getByTestId("test-error")),
        /Could not connect to smtp\.riverside-vet\.example:587: connection refused\. Check the host and port/,
      );
      assert.deepEqual(await calls(page, "send_test_email"), [
        { to: "a.morgan@riverside-vet.example" },
      ]);
      await page.getByTestId("test-email").scrollIntoViewIfNeeded();
      await shot(page, "settings-test-email-error");
    }));

  test("a test email through the preview outbox reports success", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.getByTestId("test-recipient").fill("front.desk@riverside-vet.example");
      await page.getByTestId("test-send").click();
      assert.match(await text(page.getByTestId("test-result")), /written to the preview outbox/);
    }));
});

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
    }));
});
