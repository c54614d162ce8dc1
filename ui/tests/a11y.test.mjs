// axe-core (WCAG 2.2 A/AA) on the sign-in and recovery screens, first-run setup, the demo
// clinic, the lock screen, the Staff List with its staff card, and the Clients screens.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn } from "./page.mjs";

useChromium();

const SENDING = { config: { mailTransport: "smtp", clinicUrl: "https://riverside-vet.example" } };
const MAYA = 1; // client, not registered, has email
const TOM = 2; // client with an active portal account
const GRACE = 4; // client without email

async function searchClients(page, query) {
  await page.getByTestId("client-search").fill(query);
  await eventually(async () => {
    assert.equal((await calls(page, "search_clients")).at(-1)?.query, query);
    assert.equal(await page.getByTestId("client-list").getAttribute("aria-busy"), "false");
  });
}

async function openProfile(page, query, id) {
  await searchClients(page, query);
  await page.getByTestId(`client-open-${id}`).click();
  await page.getByTestId("portal-section").waitFor();
}

describe("axe: signing in and getting back in", () => {
  test("sign-in, its refusal, and forgot password with its confirmation", () =>
    withApp({ config: { demo: false } }, async (page) => {
      await page.getByTestId("login-username").waitFor();
      await assertAccessible(page, "sign-in");
      await page.getByTestId("login-username").fill("amorgan");
      await page.getByTestId("login-password").fill("not the password");
      await page.getByTestId("login-submit").click();
      await page.getByTestId("error").waitFor();
      await assertAccessible(page, "sign-in refused");

      await page.getByTestId("forgot-link").click();
      await page.getByTestId("forgot-identifier").waitFor();
      await assertAccessible(page, "forgot password");
      await page.getByTestId("forgot-identifier").fill("");
      await page.getByTestId("forgot-submit").click();
      await page.getByTestId("error").waitFor();
      await assertAccessible(page, "forgot password, empty");
      await page.getByTestId("forgot-identifier").fill("jsmith");
      await page.getByTestId("forgot-submit").click();
      await page.getByTestId("forgot-message").waitFor();
      await assertAccessible(page, "forgot password sent");
    }));

  test("reset code entry, and set password from a code and from a link", () =>
    withApp(async (page) => {
      await page.getByTestId("code-link").click();
      await page.getByTestId("code-username").waitFor();
      await assertAccessible(page, "reset code");
      await page.getByTestId("code-submit").click();
      await page.getByTestId("error").waitFor();
      await assertAccessible(page, "reset code, empty");

      await page.evaluate(() => window.__clinic.emitResetLink("link-valid-token"));
      await page.getByTestId("new-password").waitFor();
      await page.getByTestId("password-policy").waitFor();
      await assertAccessible(page, "set password from a link");
      await page.getByTestId("new-password").fill("short one");
      await page.getByTestId("confirm-password").fill("short one");
      await page.getByTestId("set-password-submit").click();
      await page.getByTestId("error").waitFor();
      await assertAccessible(page, "set password, too short");

      await page.evaluate(() => window.__clinic.emitResetLink("link-expired-token"));
      await eventually(async () => assert.equal(await page.getByTestId("new-password").count(), 0));
      await assertAccessible(page, "set password, link expired");
    }));

  test("first-run setup, its errors, and the demo clinic", () =>
    withApp({ config: { setupNeeded: true } }, async (page) => {
      await page.getByTestId("setup-form").waitFor();
      await assertAccessible(page, "set up your clinic");
      await page.getByTestId("setup-submit").click();
      await page.locator(".field-error").first().waitFor();
      await assertAccessible(page, "set up your clinic, errors");

      await page.getByTestId("try-demo").click();
      await page.getByTestId("demo-notice").waitFor();
      await assertAccessible(page, "sign-in, demo clinic");
      await signIn(page, "amorgan");
      await page.getByTestId("demo-status").waitFor();
      await assertAccessible(page, "staff list, demo clinic");
      await page.getByTestId("signout").click();
      await page.getByTestId("leave-demo").waitFor();
      await assertAccessible(page, "sign-in, demo clinic signed out");
    }));

  test("the lock screen and its refusal", () =>
    withApp(async (page) => {
      await signIn(page, "ochen");
      await page.getByTestId("lock-now").click();
      await page.getByTestId("lock-screen").waitFor();
      await assertAccessible(page, "lock screen");
      await page.getByTestId("lock-password").fill("not my password");
      await page.getByTestId("unlock").click();
      await page.locator(".field-error").waitFor();
      await assertAccessible(page, "lock screen, wrong password");
    }));
});

describe("axe: staff", () => {
  test("Staff List, the card with its reset status, the confirmation and the code", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 12),
      );
      await assertAccessible(page, "staff list");
      await page.getByTestId("staff-search").fill("zzz");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 0),
      );
      await assertAccessible(page, "staff list, no match");
      await page.getByTestId("staff-search").fill("");

      await page.getByTestId("staff-card-5").click();
      await page.getByTestId("reset-status").waitFor();
      await assertAccessible(page, "staff card, failed delivery");
      await page.keyboard.press("Escape");

      await page.getByTestId("staff-card-3").click();
      await page.getByTestId("reset-password").click();
      await page.getByTestId("confirm-dialog").waitFor();
      await assertAccessible(page, "confirm reset dialog");
      await page.getByTestId("confirm-yes").click();
      await page.getByTestId("reset-message").waitFor();
      await page.getByTestId("resend-countdown").waitFor();
      await assertAccessible(page, "staff card, reset sent");

      await page.getByTestId("one-time-code").click();
      await page.getByTestId("one-time-code-value").waitFor();
      await assertAccessible(page, "staff card, one-time code");
    }));

  test("the add-email form on a card, and a manager's card for an admin", () =>
    withApp(async (page) => {
      await signIn(page, "ochen");
      await page.getByTestId("staff-card-4").click();
      await page.getByTestId("email-form").waitFor();
      await assertAccessible(page, "staff card, add email");
      await page.getByTestId("staff-email-input").fill("not-an-email");
      await page.getByTestId("save-email").click();
      await page.getByTestId("email-form").locator(".field-error").waitFor();
      await assertAccessible(page, "staff card, email refused");
      await page.keyboard.press("Escape");
      await page.getByTestId("staff-card-6").click();
      await page.getByTestId("cannot-reset").waitFor();
      await assertAccessible(page, "staff card, admin seen by a manager");
    }));
});

describe("axe: clients", () => {
  test("Clients list, a profile with the paw, a sent invitation, and an email form", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "dkim");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=client-row-]").count(), 100),
      );
      await assertAccessible(page, "clients list");
      await searchClients(page, "zzz");
      await page.getByTestId("client-empty").waitFor();
      await assertAccessible(page, "clients list, no match");

      await openProfile(page, "bren", MAYA);
      await assertAccessible(page, "client profile, not registered");
      await page.getByTestId("paw").click();
      await page.getByTestId("portal-message").waitFor();
      await page.getByTestId("resend-countdown").waitFor();
      await assertAccessible(page, "client profile, invitation sent");
      await page.keyboard.press("Escape");

      await openProfile(page, "tom", TOM);
      await assertAccessible(page, "client profile, portal account");
      await page.keyboard.press("Escape");

      await openProfile(page, "whitf", GRACE);
      await page.getByTestId("client-email-form").waitFor();
      await page.getByTestId("client-email-input").fill("not-an-email");
      await page.getByTestId("client-save-email").click();
      await page.getByTestId("client-email-form").locator(".field-error").waitFor();
      await assertAccessible(page, "client profile, email refused");
    }));

  test("a veterinarian's read-only profile", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "jsmith");
      await openProfile(page, "bren", MAYA);
      await page.getByTestId("portal-read-only").waitFor();
      await assertAccessible(page, "client profile, read only");
    }));

  test("bulk invitations: the bar, the dialog, progress and the finished run", () =>
    withApp({ config: { ...SENDING.config, bulkTickMs: 40 } }, async (page) => {
      await signIn(page, "ochen");
      await page.getByTestId("nav-clients").click();
      await page.getByTestId("bulk-bar").waitFor();
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=client-select-]").count(), 100),
      );
      await assertAccessible(page, "clients, bulk bar");
      await searchClients(page, "hale");
      await page.getByTestId("bulk-select-all").check();
      await page.getByTestId("bulk-invite").click();
      await page.getByTestId("bulk-confirm").waitFor();
      await assertAccessible(page, "bulk invitation dialog");
      await page.getByTestId("confirm-yes").click();
      await page.getByTestId("bulk-progress").waitFor();
      await assertAccessible(page, "bulk invitation progress");
      await eventually(
        async () =>
          assert.equal(await page.getByTestId("bulk-progress").getAttribute("data-status"), "done"),
        15000,
      );
      await assertAccessible(page, "bulk invitation finished");
    }));
});
