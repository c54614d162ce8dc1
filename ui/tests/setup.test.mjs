// First start on an empty database: Set up your clinic, and the demo clinic as a separate choice.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import {
  DEMO_PASSWORD,
  assertNoHorizontalOverflow,
  calls,
  eventually,
  signIn,
  text,
} from "./page.mjs";
import { MESSAGES, PASSWORD_POLICY, message } from "./fixture.mjs";

useChromium();

const firstStart = { config: { setupNeeded: true } };
const PASSWORD = "lantern orbit pickle saxophone";

const FORM = {
  "setup-clinic-name": "Bayside Pet Hospital",
  "setup-clinic-email": "desk@bayside-pets.example",
  "setup-clinic-phone": "+1 555 0199",
  "setup-clinic-address": "2 Pier Road, Bayside",
  "setup-admin-name": "Noor Haddad",
  "setup-admin-username": "nhaddad",
  "setup-admin-email": "noor@bayside-pets.example",
  "setup-password": PASSWORD,
  "setup-confirm": PASSWORD,
};

async function fill(page, values) {
  for (const [testid, value] of Object.entries(values)) {
    await page.getByTestId(testid).fill(value);
  }
}

/** The message shown under the field whose input has `testid`. */
const errorUnder = (page, testid) =>
  page.locator(".field", { has: page.getByTestId(testid) }).locator(".field-error");

const focused = (page) => page.evaluate(() => document.activeElement?.dataset.testid);

describe("set up your clinic", () => {
  test("a first start asks for the clinic and its first admin, under the password policy", () =>
    withApp(firstStart, async (page) => {
      await page.getByTestId("setup-form").waitFor();
      assert.equal(await text(page.locator(".screen-title")), "Set up your clinic");
      for (const label of ["Clinic name", "Clinic email", "Your name", "Username", "Your email"]) {
        await page.getByLabel(label, { exact: true }).waitFor();
      }
      const policy = await text(page.getByTestId("password-policy"));
      const { minLength, maxLength } = PASSWORD_POLICY;
      assert.match(policy, new RegExp(`Use ${minLength} to ${maxLength} characters`));
      assert.equal(await page.getByTestId("login-username").count(), 0);
      assert.equal(await page.getByTestId("demo-badge").count(), 0);
      await eventually(async () => assert.equal(await focused(page), "setup-clinic-name"));
      await shot(page, "setup-clinic");
      await page.getByTestId("setup-password").fill("lantern");
      const hint = page.locator(".field", { has: page.getByTestId("setup-password") });
      assert.equal(
        await text(hint.locator(".live-hint")),
        `7 characters: ${minLength - 7} more needed.`,
      );
    }));

  test("the form fits a 1024x700 window", () =>
    withApp({ ...firstStart, viewport: { width: 1024, height: 700 } }, async (page) => {
      await page.getByTestId("setup-form").waitFor();
      await assertNoHorizontalOverflow(page, "set up your clinic");
      await page.getByTestId("setup-submit").scrollIntoViewIfNeeded();
      await page.getByTestId("try-demo").scrollIntoViewIfNeeded();
      await assertNoHorizontalOverflow(page, "set up your clinic, scrolled");
    }));

  test("each refusal sits under its field, which takes the focus", () =>
    withApp(firstStart, async (page) => {
      await page.getByTestId("setup-submit").click();
      const name = errorUnder(page, "setup-clinic-name");
      assert.equal(await text(name), message("required", { field: "Clinic name" }));
      await eventually(async () => assert.equal(await focused(page), "setup-clinic-name"));

      await fill(page, { ...FORM, "setup-admin-username": "noor haddad" });
      await page.getByTestId("setup-submit").click();
      const username = errorUnder(page, "setup-admin-username");
      assert.equal(await text(username), message("usernameCharacters", { field: "Username" }));
      await eventually(async () => assert.equal(await focused(page), "setup-admin-username"));
      assert.equal(await name.count(), 0);

      await fill(page, {
        "setup-admin-username": "nhaddad",
        "setup-password": "bayside harbour lanterns",
        "setup-confirm": "bayside harbour lanterns",
      });
      await page.getByTestId("setup-submit").click();
      assert.equal(await text(errorUnder(page, "setup-password")), MESSAGES.passwordHasContext);
      await eventually(async () => assert.equal(await focused(page), "setup-password"));
      await shot(page, "setup-clinic-errors");

      await fill(page, { "setup-password": PASSWORD, "setup-confirm": `${PASSWORD}!` });
      await page.getByTestId("setup-submit").click();
      assert.equal(await text(errorUnder(page, "setup-confirm")), MESSAGES.passwordMismatch);
      assert.equal(await page.getByTestId("setup-confirm").inputValue(), "");
      assert.equal((await calls(page, "setup_clinic")).length, 4);
    }));

  test("setting up creates the admin and signs them in", () =>
    withApp(firstStart, async (page) => {
      await fill(page, FORM);
      await page.keyboard.press("Enter");
      await page.getByTestId("signout").waitFor();
      assert.equal(await text(page.getByTestId("clinic-name")), "Bayside Pet Hospital");
      assert.equal(await text(page.getByTestId("session-user")), "Noor Haddad");
      assert.equal(await text(page.getByTestId("session-role")), "Admin");
      assert.equal(await page.getByTestId("demo-status").count(), 0);
      assert.deepEqual((await calls(page, "setup_clinic")).at(-1), {
        clinic: {
          name: "Bayside Pet Hospital",
          phone: "+1 555 0199",
          email: "desk@bayside-pets.example",
          address: "2 Pier Road, Bayside",
        },
        admin: {
          displayName: "Noor Haddad",
          username: "nhaddad",
          email: "noor@bayside-pets.example",
        },
        password: PASSWORD,
        confirm: PASSWORD,
      });
      await page.getByTestId("signout").click();
      await signIn(page, "nhaddad", PASSWORD);
      assert.equal(await page.title(), "VetDesk — Bayside Pet Hospital");
    }));
});

describe("the demo clinic", () => {
  test("is a separate choice that says Demo everywhere, with a way back", () =>
    withApp(firstStart, async (page) => {
      await page.getByTestId("try-demo").click();
      await page.getByTestId("login-username").waitFor();
      assert.equal(await text(page.getByTestId("demo-badge")), "Demo");
      assert.match(await text(page.getByTestId("demo-notice")), /demo clinic/);
      await eventually(async () => assert.equal(await page.title(), "VetDesk — Demo clinic"));
      await shot(page, "login-demo");

      await signIn(page, "amorgan", DEMO_PASSWORD);
      assert.match(await text(page.getByTestId("demo-status")), /Demo clinic/);
      assert.equal(await text(page.getByTestId("demo-badge")), "Demo");
      assert.equal(await text(page.getByTestId("clinic-name")), "Riverside Veterinary Clinic");
      await shot(page, "staff-list-demo");
      await page.getByTestId("signout").click();

      await page.getByTestId("leave-demo").click();
      await page.getByTestId("setup-form").waitFor();
      await eventually(async () => assert.equal(await page.title(), "VetDesk"));
      assert.equal(await page.getByTestId("demo-badge").count(), 0);
      assert.equal((await calls(page, "open_demo_clinic")).length, 1);
      assert.equal((await calls(page, "leave_demo_clinic")).length, 1);
    }));
});
