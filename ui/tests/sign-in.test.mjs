// Signing in, and what each role sees first.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertBrowser, shot, useChromium, withApp } from "./chromium.mjs";
import { DEMO_PASSWORD, calls, eventually, signIn, text } from "./page.mjs";
import { MESSAGES } from "./fixture.mjs";

useChromium();

test("headless Chromium starts", () => assertBrowser());

describe("sign in", () => {
  test("shows the sign-in screen with labelled fields and links", () =>
    withApp({ config: { demo: false } }, async (page) => {
      assert.equal(await page.title(), "VetDesk — Riverside Veterinary Clinic");
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
      assert.equal(await text(error), MESSAGES.invalidCredentials);
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
      assert.match(await text(error), /^Too many attempts\. Try again in 30 seconds\./);
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

describe("roles without staff tools", () => {
  test("a receptionist lands on Clients, with a friendly home page and no setup items", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      await page.getByTestId("client-search").waitFor();
      await page.getByTestId("nav-home").click();
      await page.getByTestId("home").waitFor();
      assert.match(await text(page.getByTestId("home")), /Welcome, Drew/);
      for (const id of ["nav-staff", "nav-settings", "nav-activity", "nav-preview"]) {
        assert.equal(await page.getByTestId(id).count(), 0, id);
      }
      await shot(page, "home");
    }));
});
