// The Clients list, the client profile and the paw action.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { assertNoHorizontalOverflow, calls, eventually, signIn, text } from "./page.mjs";
import { message } from "./fixture.mjs";

useChromium();

const CLINIC_URL = "https://riverside-vet.example";
/** A clinic that can send portal emails: SMTP set up and the clinic's web address known. */
const SENDING = { config: { mailTransport: "smtp", clinicUrl: CLINIC_URL } };

// Seeded clients the tests name (tests/browser/client-seed.ts).
const MAYA = 1; // not registered, has email
const TOM = 2; // active portal account
const SAM = 3; // shares Tom's address, not registered
const GRACE = 4; // no email
const IVY = 9; // a pet named <b>HTML</b>

const rowIds = (page) =>
  page
    .locator("[data-testid^=client-row-]")
    .evaluateAll((rows) => rows.map((r) => Number(r.dataset.testid.slice("client-row-".length))));
const focused = (page) => page.evaluate(() => document.activeElement?.dataset.testid ?? null);
const total = (page) => page.evaluate(() => window.__clinic.state.clients.length);

async function search(page, query) {
  await page.getByTestId("client-search").fill(query);
  await eventually(async () => {
    const queries = (await calls(page, "search_clients")).map((a) => a.query);
    assert.equal(queries.at(-1), query);
    assert.equal(await page.getByTestId("client-list").getAttribute("aria-busy"), "false");
  });
}

async function expectRows(page, query, ids) {
  await search(page, query);
  await eventually(async () => assert.deepEqual((await rowIds(page)).sort(), [...ids].sort()));
}

async function openProfile(page, query, id) {
  await search(page, query);
  await page.getByTestId(`client-open-${id}`).click();
  // Loaded: the portal part shows only once the profile has come.
  await page.getByTestId("portal-section").waitFor();
}

const countdownSecs = async (page) => {
  const countdown = await text(page.getByTestId("resend-countdown"));
  return Number(/^Resend available in (\d+) s$/.exec(countdown)?.[1]);
};

describe("clients list", () => {
  test("a receptionist lands on Clients and finds people by name, phone, email and pet", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      assert.equal(await page.getByTestId("nav-clients").getAttribute("aria-current"), "page");
      assert.equal(await text(page.locator(".breadcrumb")), "Clients");
      await eventually(async () => assert.equal((await rowIds(page)).length, 100));
      assert.equal(await text(page.getByTestId("client-count")), "100+ clients");
      assert.match(await text(page.locator("thead")), /Name\s+Phone\s+Email\s+Pets\s+Portal/i);
      assert.match(
        await text(page.getByTestId(`client-row-${MAYA}`)),
        /Maya Brennan\s+\(555\) 010-4477\s+maya\.brennan@example\.com\s+Biscotti, Paprika\s+Not registered/,
      );
      await shot(page, "clients");

      // Typed key by key, the search goes out once the typing settles, not per key.
      await page.getByTestId("client-search").pressSequentially("bren", { delay: 30 });
      await eventually(async () => assert.deepEqual(await rowIds(page), [MAYA]));
      const queries = (await calls(page, "search_clients")).map((a) => a.query);
      assert.deepEqual(queries, ["", "bren"]);
      assert.equal(await text(page.getByTestId("client-count")), "1 client matching “bren”");

      await expectRows(page, "maya b", [MAYA]);
      for (const phone of ["(555) 010-44", "555.0104477", "555 010 4477", "5550104"]) {
        await expectRows(page, phone, [MAYA]);
      }
      await expectRows(page, "555-013-9021", [TOM, SAM]);
      await expectRows(page, "TOM.HALE@", [TOM, SAM]);
      await expectRows(page, "junip", [TOM]);
      await expectRows(page, "whitfield", [GRACE]);

      await search(page, "zzz");
      assert.match(await text(page.getByTestId("client-empty")), /^No clients match “zzz”\./);
      assert.equal(await text(page.getByTestId("client-count")), "No clients match “zzz”.");
    }));

  test("a slow answer to an older search never replaces a newer one; errors say what to do", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      await eventually(async () => assert.equal((await rowIds(page)).length, 100));
      await page.evaluate(() => window.__clinic.slowNext("search_clients", 1200));
      await page.getByTestId("client-search").fill("bren");
      await page.waitForTimeout(400);
      await expectRows(page, "whitfield", [GRACE]);
      // The answer for "bren" arrives now, and is dropped.
      await page.waitForTimeout(1200);
      assert.deepEqual(await rowIds(page), [GRACE]);
      assert.equal(await text(page.getByTestId("client-count")), "1 client matching “whitfield”");

      await page.getByTestId("client-search").fill("x".repeat(101));
      assert.equal(await text(page.getByTestId("error")), message("searchTooLong", { max: 100 }));
      assert.equal(await page.getByTestId("client-retry").count(), 0);

      const gone = "The clinic database did not answer. Check the network, then try again.";
      await page.evaluate((m) => window.__clinic.refuseNext("search_clients", m), gone);
      await page.getByTestId("client-search").fill("hale");
      await eventually(async () =>
        assert.equal(await text(page.getByTestId("error").locator("p").first()), gone),
      );
      assert.equal((await rowIds(page)).length, 0);
      await page.getByTestId("client-retry").click();
      await eventually(async () => assert.deepEqual((await rowIds(page)).sort(), [TOM, SAM]));
      assert.equal(await page.getByTestId("error").count(), 0);
    }));

  test("the filter lists clients who have an email and no portal account", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      await expectRows(page, "hale", [TOM, SAM]);
      await page.getByTestId("client-filter").check();
      await eventually(async () => assert.deepEqual(await rowIds(page), [SAM]));
      assert.equal(
        await text(page.getByTestId("client-count")),
        "1 client with an email and no portal account, matching “hale”",
      );
      assert.deepEqual((await calls(page, "search_clients")).at(-1), {
        query: "hale",
        filter: "notRegisteredWithEmail",
        after: null,
      });

      await search(page, "");
      await eventually(async () => assert.equal((await rowIds(page)).length, 100));
      const rows = page.locator("[data-testid^=client-row-]");
      const badges = await rows.locator(".badge").allInnerTexts();
      assert.deepEqual([...new Set(badges)], ["Not registered"]);
      assert.equal(await rows.getByText("No email on file").count(), 0);
    }));

  test("pages to the end with the keyboard: arrows, Home, End and Enter", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      const all = await total(page);
      assert.ok(all > 300, `${all} clients`);
      await eventually(async () => assert.equal((await rowIds(page)).length, 100));
      const first = (await rowIds(page))[0];

      // ArrowDown leaves the search box for the first row, with a visible focus ring.
      await page.getByTestId("client-search").focus();
      await page.keyboard.press("ArrowDown");
      assert.equal(await focused(page), `client-open-${first}`);
      const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.equal(ring, "solid");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowUp");
      const second = (await rowIds(page))[1];
      assert.equal(await focused(page), `client-open-${second}`);

      // Only one row at a time is in the tab order.
      const tabbable = await page.locator(".row-open[tabindex='0']").count();
      assert.equal(tabbable, 1);

      // End, again and again: each time the focus nears the end, the next page comes.
      for (let loaded = 100; loaded < all; loaded = (await rowIds(page)).length) {
        await page.keyboard.press("End");
        await eventually(async () => assert.ok((await rowIds(page)).length > loaded));
      }
      const ids = await rowIds(page);
      assert.equal(ids.length, all);
      assert.equal(new Set(ids).size, all, "no client listed twice");
      await page.keyboard.press("End");
      assert.equal(await focused(page), `client-open-${ids.at(-1)}`);
      await page.getByTestId("client-list-end").waitFor();
      assert.equal(await page.getByTestId("client-load-more").count(), 0);
      const afters = (await calls(page, "search_clients")).map((a) => a.after);
      assert.equal(afters[0], null);
      assert.equal(afters.length, Math.ceil(all / 100));
      assert.ok(afters.slice(1).every((a) => a && typeof a.lastName === "string"));

      await page.keyboard.press("Home");
      assert.equal(await focused(page), `client-open-${first}`);
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      await page.getByTestId("client-profile").waitFor();
      assert.deepEqual((await calls(page, "client_profile")).at(-1), { clientId: second });
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await focused(page), `client-open-${second}`));
    }));

  test("pages by scrolling, and by the Load more button from the keyboard", () =>
    withApp(async (page) => {
      await signIn(page, "dkim");
      const all = await total(page);
      await eventually(async () => assert.equal((await rowIds(page)).length, 100));

      // Load more, reached with Tab: the focus lands on the first new row.
      await page.getByTestId("client-search").focus();
      await page.keyboard.press("Tab"); // the filter
      await page.keyboard.press("Tab"); // the list's one tabbable row
      await page.keyboard.press("Tab");
      assert.equal(await focused(page), "client-load-more");
      const before = (await rowIds(page)).length;
      await page.keyboard.press("Enter");
      await eventually(async () => {
        const index = await page.evaluate(
          () => document.activeElement?.closest("tr")?.dataset.index ?? null,
        );
        assert.ok(Number(index) >= before, `focus on row ${index}`);
      });

      // Scrolling near the end fetches the rest.
      await eventually(async () => {
        await page.locator("main.content").evaluate((m) => m.scrollTo(0, m.scrollHeight));
        assert.equal((await rowIds(page)).length, all);
      }, 10000);
      await page.getByTestId("client-list-end").waitFor();
    }));
});

describe("client profile and the paw", () => {
  test("the profile shows details and pets; HTML in names stays text; long names fit", () =>
    withApp({ ...SENDING, viewport: { width: 1024, height: 700 } }, async (page) => {
      await signIn(page, "dkim");
      await search(page, "castell");
      assert.match(await text(page.getByTestId(`client-row-${IVY}`)), /<b>HTML<\/b>/);
      await page.getByTestId("client-search").press("ArrowDown");
      await page.keyboard.press("Enter");
      const profile = page.getByTestId("client-profile");
      await profile.waitFor();
      const pets = page.getByTestId("pet-list");
      assert.match(await text(pets), /<b>HTML<\/b>\s+Dog · <i>Terrier<\/i>/);
      assert.equal(await profile.locator("b, i").count(), 0, "no markup made from data");
      await page.keyboard.press("Escape");

      await openProfile(page, "zoë", 7);
      assert.equal(await text(page.locator(".modal-title")), "Zoë Ångström-Núñez");
      await page.keyboard.press("Escape");

      await openProfile(page, "maximiliana", 8);
      assert.match(await text(page.getByTestId("client-address")), /Upper Riverside Embankment/);
      await assertNoHorizontalOverflow(page, "a long client name");
      await page.keyboard.press("Escape");
      await assertNoHorizontalOverflow(page, "the clients list");
    }));

  test("paw on a client without an account sends an invitation; the badge says Invited", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "dkim");
      await openProfile(page, "bren", MAYA);
      assert.match(await text(page.getByTestId("client-profile-body")), /Biscotti\s+Dog · Beagle/);
      assert.equal(await text(page.getByTestId("client-portal-badge")), "Not registered");
      assert.match(await text(page.getByTestId("no-portal-email")), /No portal email/);
      const paw = page.getByTestId("paw");
      assert.equal(await text(paw), "Invite to portal");
      assert.equal(await paw.locator("svg").count(), 1);
      assert.equal(await paw.getAttribute("title"), "Send patient-portal email");
      await page.getByRole("button", { name: "Invite to portal" }).waitFor();

      await paw.click();
      const sent = message("portalInviteSent", { email: "m•••@example.com" });
      assert.equal(await text(page.getByTestId("portal-message")), sent);
      assert.equal(await text(page.locator("[role=status][data-testid=portal-status]")), sent);
      assert.deepEqual(await calls(page, "send_portal_link"), [{ clientId: MAYA }]);
      await eventually(async () =>
        assert.equal(await text(page.getByTestId("client-portal-badge")), "Invited"),
      );
      assert.match(await text(page.getByTestId("client-portal")), /Invited\s+expires \w+/);
      assert.match(
        await text(page.getByTestId("reset-status")),
        /Last portal email · Invitation\s+(Queued|Sending|Sent)/,
      );
      // Still an invitation until the client has chosen a password.
      assert.equal(await text(paw), "Invite to portal");
      await eventually(
        async () =>
          assert.equal(await page.getByTestId("reset-status").getAttribute("data-status"), "sent"),
        9000,
      );
      await shot(page, "client-profile");

      await page.keyboard.press("Escape");
      await eventually(async () =>
        assert.match(await text(page.getByTestId(`client-row-${MAYA}`)), /Invited$/),
      );
    }));

  test("paw on a registered client sends a reset link; a shared address is refused", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "dkim");
      // Sam's address already signs Tom in to the portal.
      await openProfile(page, "sam", SAM);
      await page.getByTestId("paw").click();
      assert.equal(
        await text(page.getByTestId("error")),
        message("portalUsernameTaken", { email: "t•••@example.net" }),
      );
      assert.equal(await page.getByTestId("portal-message").count(), 0);
      assert.equal(await text(page.getByTestId("client-portal-badge")), "Not registered");
      await page.keyboard.press("Escape");

      await openProfile(page, "tom", TOM);
      assert.equal(await text(page.getByTestId("client-portal-badge")), "Active");
      assert.equal(await text(page.getByTestId("paw")), "Send portal reset link");
      await page.getByTestId("paw").click();
      assert.equal(
        await text(page.getByTestId("portal-message")),
        message("resetSent", { email: "t•••@example.net" }),
      );
      assert.match(await text(page.getByTestId("reset-status")), /Last portal email · Reset link/);
      assert.equal(await text(page.getByTestId("client-portal-badge")), "Active");
      await page.keyboard.press("Escape");

      // The minute between portal emails counts per address, so Sam's paw waits too.
      await openProfile(page, "sam", SAM);
      await eventually(async () => assert.equal(await page.getByTestId("paw").isDisabled(), true));
      assert.ok((await countdownSecs(page)) > 50);
    }));

  test("another portal email waits out the minute, with a countdown", () =>
    withApp({ ...SENDING, clock: true }, async (page) => {
      await signIn(page, "dkim");
      await openProfile(page, "bren", MAYA);
      const paw = page.getByTestId("paw");
      await paw.click();
      await page.getByTestId("portal-message").waitFor();
      assert.equal(await paw.isDisabled(), true);
      const secs = await countdownSecs(page);
      assert.ok(secs > 50 && secs <= 60, `countdown ${secs}`);
      assert.match(await paw.getAttribute("aria-describedby"), /paw-countdown/);

      // Opened again, the profile knows the wait from the back end.
      await page.keyboard.press("Escape");
      await page.getByTestId(`client-open-${MAYA}`).click();
      await page.getByTestId("portal-section").waitFor();
      await eventually(async () => assert.equal(await page.getByTestId("paw").isDisabled(), true));
      assert.ok((await countdownSecs(page)) <= secs);

      await page.clock.fastForward(61_000);
      await eventually(async () => assert.equal(await page.getByTestId("paw").isEnabled(), true));
      assert.equal(await text(page.getByTestId("resend-countdown")), "");
      await page.getByTestId("paw").click();
      await eventually(async () => assert.equal((await calls(page, "send_portal_link")).length, 2));
      await page.getByTestId("portal-message").waitFor();
      assert.equal(await page.getByTestId("paw").isDisabled(), true);
    }));

  test("no email: the profile says so, and an address added there is saved and sent", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "dkim");
      await openProfile(page, "whitf", GRACE);
      assert.match(await text(page.getByTestId("no-email")), /^This client has no email address/);
      assert.equal(await page.getByTestId("paw").count(), 0);
      const input = page.getByLabel("Client's email address");
      await input.waitFor();
      await shot(page, "client-no-email");

      const fieldError = page.getByTestId("client-email-form").locator(".field-error");
      await input.fill("not-an-email");
      await page.getByTestId("client-save-email").click();
      assert.equal(await text(fieldError), message("invalidEmail", { field: "Email" }));
      assert.equal(await input.getAttribute("aria-invalid"), "true");
      assert.equal(await focused(page), "client-email-input");

      await input.fill("TOM.HALE@example.net");
      await page.getByTestId("client-save-email").click();
      assert.equal(
        await text(fieldError),
        message("portalUsernameTaken", { email: "T•••@example.net" }),
      );
      assert.deepEqual(await calls(page, "send_portal_link"), []);

      await input.fill("grace.whitfield@example.com");
      await page.getByTestId("client-save-email").click();
      assert.equal(
        await text(page.getByTestId("portal-message")),
        message("portalInviteSent", { email: "g•••@example.com" }),
      );
      assert.match(await text(page.getByTestId("client-email")), /^grace\.whitfield@example\.com/);
      assert.equal(await page.getByTestId("no-email").count(), 0);
      assert.equal(await text(page.getByTestId("client-portal-badge")), "Invited");
      assert.deepEqual(
        (await calls(page, "set_client_email")).map((a) => a.email),
        ["not-an-email", "TOM.HALE@example.net", "grace.whitfield@example.com"],
      );
      assert.deepEqual(await calls(page, "send_portal_link"), [{ clientId: GRACE }]);
    }));

  test("a veterinarian looks clients up but has no paw and no email field", () =>
    withApp(SENDING, async (page) => {
      await signIn(page, "jsmith");
      assert.equal(await page.getByTestId("nav-clients").getAttribute("aria-current"), "page");
      await openProfile(page, "bren", MAYA);
      assert.equal(await page.getByTestId("paw").count(), 0);
      assert.match(await text(page.getByTestId("portal-read-only")), /Receptionists/);
      await page.keyboard.press("Escape");
      await openProfile(page, "whitf", GRACE);
      assert.equal(await page.getByTestId("paw").count(), 0);
      assert.equal(await page.getByTestId("client-email-form").count(), 0);
      assert.equal(await page.getByRole("button", { name: "Change", exact: true }).count(), 0);
    }));

  test("no clinic URL, or mail only in the preview outbox: the words say what happened", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-clients").click();
      assert.equal(await text(page.locator(".breadcrumb")), "Clients");
      await openProfile(page, "bren", MAYA);
      await page.getByTestId("paw").click();
      assert.equal(await text(page.getByTestId("error")), message("clinicUrlMissing"));
      assert.equal(await text(page.getByTestId("client-portal-badge")), "Not registered");

      await page.evaluate((url) => {
        window.__clinic.state.settings.clinic.clinicUrl = url;
      }, CLINIC_URL);
      await page.getByTestId("paw").click();
      assert.equal(
        await text(page.getByTestId("portal-message")),
        message("portalKeptInPreview", { email: "m•••@example.com" }),
      );
    }));
});
