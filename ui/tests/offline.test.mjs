// A workstation whose clinic database is on the clinic's server, while that server cannot be
// reached: a banner on every screen says so and which copy the lists show, Reset password, the
// paw icon and Invite to portal are queued, Show one-time code is refused, and back online the
// queue goes out in order, each action sent or refused under the rules as they stand then.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { message } from "./fixture.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";

useChromium();

const config = {
  demo: false,
  onServer: true,
  mailTransport: "smtp",
  clinicUrl: "https://riverside-vet.example",
};

// Seeded staff and clients the tests name (tests/browser/clinic.ts, client-seed.ts).
const JORDAN = 3; // veterinarian, j.smith@riverside-vet.example
const JAMIE = 9; // technician, j.ortiz@riverside-vet.example
const MAYA = 1;
const JORDAN_EMAIL = "j.smith@riverside-vet.example";
const JAMIE_EMAIL = "j.ortiz@riverside-vet.example"; // client, not registered, maya.brennan@example.com

const setOnline = (page, online) => page.evaluate((o) => window.__clinic.setOnline(o), online);
const mock = (page, key) => page.evaluate((k) => window.__clinic.state[k], key);
const iso = (ms) => new Date(ms).toISOString();
const timeIn = (page, testid) => page.getByTestId(testid).locator("time").getAttribute("datetime");

/** Signed in, with the window listening for the shell's `connection-changed`. */
async function signedIn(page, who = "amorgan") {
  await signIn(page, who);
  await eventually(async () => assert.ok((await calls(page, "connection_status")).length > 0));
}

async function goOffline(page) {
  await setOnline(page, false);
  await page.getByTestId("offline-banner").waitFor();
}

/** Reset password on a staff card; answers the notice it shows, with the card still open. */
async function resetFrom(page, staffId) {
  await page.getByTestId("nav-staff").click();
  await page.getByTestId(`staff-card-${staffId}`).click();
  await page.getByTestId("reset-password").click();
  await page.getByTestId("confirm-yes").click();
  return page.getByTestId("reset-message");
}

async function searchClients(page, query) {
  await page.getByTestId("client-search").fill(query);
  await eventually(async () => {
    assert.equal((await calls(page, "search_clients")).at(-1)?.query, query);
    assert.equal(await page.getByTestId("client-list").getAttribute("aria-busy"), "false");
  });
}

const rowState = (page, id) => page.getByTestId(`queued-${id}`).getAttribute("data-state");

describe("working offline", () => {
  test("the banner says since when and which copy the lists show; the lists still answer", () =>
    withApp({ config }, async (page) => {
      await signedIn(page);
      const status = page.getByTestId("database-status");
      assert.equal(await text(status), "Clinic database: vetdesk on db.riverside.lan");
      assert.equal(await page.getByTestId("offline-banner").count(), 0);

      await goOffline(page);
      const banner = page.getByTestId("offline-banner");
      assert.equal(await banner.getAttribute("role"), "status");
      assert.match(
        await text(banner),
        /^Offline\. This computer has not been able to reach the clinic database since today, /,
      );
      assert.match(
        await text(banner),
        /Staff List and client search show this computer's copy from .+\. Reset password, patient-portal emails and portal invitations are queued and go out when the connection is back\./,
      );
      assert.equal(await timeIn(page, "offline-since"), iso(await mock(page, "offlineSince")));
      assert.equal(await timeIn(page, "offline-copy"), iso(await mock(page, "copyRefreshedAt")));
      assert.equal(await text(status), "Clinic database: vetdesk on db.riverside.lan — offline");
      const dot = page.locator("p", { has: status }).locator(".dot");
      assert.equal(await dot.getAttribute("class"), "dot dot-warning");

      // The Staff List and client search read this computer's copy.
      await page.getByTestId("staff-search").fill("smith");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=staff-row-]").count(), 1),
      );
      assert.match(await text(page.getByTestId(`staff-row-${JORDAN}`)), /Jordan Smith/);
      await page.getByTestId("nav-clients").click();
      await searchClients(page, "bren");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=client-row-]").count(), 1),
      );
      assert.match(await text(page.getByTestId(`client-row-${MAYA}`)), /Maya Brennan/);
      // The banner stays on every screen.
      assert.equal(await banner.isVisible(), true);
      assert.equal(await page.getByTestId("queued-actions").count(), 0);

      // A computer that has never refreshed its copy says so.
      await setOnline(page, true);
      await eventually(async () => assert.equal(await banner.count(), 0));
      await page.evaluate(() => (window.__clinic.state.copyRefreshedAt = null));
      await goOffline(page);
      assert.equal(
        await text(page.getByTestId("offline-copy")),
        "The Staff List and client search can only show this computer's copy, and there is no copy yet.",
      );
    }));

  test("Reset password and the paw icon are queued; Show one-time code is refused", () =>
    withApp({ config }, async (page) => {
      await signedIn(page);
      await goOffline(page);
      const emails = (await mock(page, "emails")).length;

      const reset = await resetFrom(page, JORDAN);
      assert.equal(
        await text(reset),
        message("staffResetQueued", { name: "Jordan Smith", email: "j•••@riverside-vet.example" }),
      );
      // Informational, with a clock: nothing has been sent yet.
      assert.equal(await reset.getAttribute("class"), "alert alert-info");
      assert.equal(await reset.locator("svg.alert-icon").count(), 1);
      assert.match(await text(page.getByTestId("resend-countdown")), /^Resend available in/);

      await page.getByTestId("one-time-code").click();
      assert.equal(await text(page.getByTestId("error")), message("codeNeedsDatabase"));
      assert.equal(await page.getByTestId("one-time-code-value").count(), 0);
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await page.getByTestId("staff-card").count(), 0));

      await page.getByTestId("nav-clients").click();
      await searchClients(page, "bren");
      await page.getByTestId(`client-open-${MAYA}`).click();
      await page.getByTestId("paw").click();
      const portal = page.getByTestId("portal-message");
      assert.equal(
        await text(portal),
        message("portalLinkQueued", { name: "Maya Brennan", email: "m•••@example.com" }),
      );
      assert.equal(await portal.getAttribute("class"), "alert alert-info");
      await page.keyboard.press("Escape");
      assert.equal((await mock(page, "emails")).length, emails, "nothing went to the outbox");

      // Both wait in the panel, newest first, reachable from the banner.
      const panel = page.getByTestId("queued-actions");
      await eventually(async () =>
        assert.equal(await panel.locator("tbody tr").count(), 2, "two queued rows"),
      );
      assert.match(
        await text(panel.locator("tbody tr").first()),
        /^Patient-portal email\s+Maya Brennan\s+Alex Morgan\s+today, .+\s+Queued — will send when online$/,
      );
      assert.match(
        await text(panel.locator("tbody tr").last()),
        /^Reset password\s+Jordan Smith\s+Alex Morgan\s+today, .+\s+Queued — will send when online$/,
      );
      assert.match(await text(panel.locator("thead")), /Action\s+For\s+By\s+Queued\s+State/i);
      const show = page.getByTestId("offline-show-queue");
      assert.equal(await text(show), "See queued actions (2 waiting)");
      await show.focus();
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "queued-heading");
      // Escape hides the list, as it closes a dialog, and the focus goes to Show.
      await page.keyboard.press("Escape");
      assert.equal(await page.locator("#queued-list").isHidden(), true);
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        "queued-toggle",
      );
      assert.equal(await text(page.getByTestId("queued-toggle")), "Show");
      await page.getByTestId("nav-staff").click();
      await page.getByTestId(`staff-row-${JORDAN}`).waitFor();
      await shot(page, "offline-banner");
    }));

  test("back online, the queue goes out in order: one sent, one refused", () =>
    withApp({ config }, async (page) => {
      await signedIn(page);
      await goOffline(page);
      for (const id of [JORDAN, JAMIE]) {
        await (await resetFrom(page, id)).waitFor();
        await page.keyboard.press("Escape");
        await eventually(async () => assert.equal(await page.getByTestId("staff-card").count(), 0));
      }
      // Another workstation disables Jamie's account before the server is back.
      await page.evaluate((id) => window.__clinic.setStaffStatus(id, "disabled"), JAMIE);
      const mailTo = async (address) =>
        (await mock(page, "emails")).filter((e) => e.recipient === address).length;
      const before = [await mailTo(JORDAN_EMAIL), await mailTo(JAMIE_EMAIL)];
      await setOnline(page, true);

      await eventually(async () =>
        assert.equal(await page.getByTestId("offline-banner").count(), 0),
      );
      assert.equal(
        await text(page.getByTestId("database-status")),
        "Clinic database: vetdesk on db.riverside.lan",
      );
      const queued = await mock(page, "queued");
      const [jordan, jamie] = [JORDAN, JAMIE].map((id) => queued.find((a) => a.subjectId === id));
      assert.ok(jordan.settledAt <= jamie.settledAt, "replayed in the order they were taken");

      const panel = page.getByTestId("queued-actions");
      await eventually(async () => assert.equal(await rowState(page, jordan.id), "sent"));
      assert.equal(await rowState(page, jamie.id), "refused");
      assert.equal(await text(page.getByTestId(`queued-state-${jordan.id}`)), "Sent");
      assert.equal(
        await text(page.getByTestId(`queued-outcome-${jordan.id}`)),
        message("resetSent", { email: "j•••@riverside-vet.example" }),
      );
      assert.equal(await text(page.getByTestId(`queued-state-${jamie.id}`)), "Refused");
      assert.equal(
        await text(page.getByTestId(`queued-outcome-${jamie.id}`)),
        message("accountDisabled"),
      );
      assert.equal(
        await page.getByTestId(`queued-${jamie.id}`).getAttribute("class"),
        "queued-refused",
      );
      assert.equal(await text(page.getByTestId("queued-summary")), "1 sent · 1 refused");
      assert.deepEqual(
        [await mailTo(JORDAN_EMAIL), await mailTo(JAMIE_EMAIL)],
        [before[0] + 1, before[1]],
        "Jordan's reset went to the outbox, Jamie's did not",
      );

      // Hidden with the keyboard, it stays hidden until something changes.
      const toggle = page.getByTestId("queued-toggle");
      await toggle.focus();
      await page.keyboard.press("Enter");
      assert.equal(await toggle.getAttribute("aria-expanded"), "false");
      assert.equal(await page.getByTestId("queued-table").isVisible(), false);
      await page.keyboard.press("Enter");
      assert.equal(await page.getByTestId("queued-table").isVisible(), true);
    }));

  test("Invite to portal is queued with the clients counted; back online the run starts here", () =>
    withApp({ config: { ...config, bulkTickMs: 20 } }, async (page) => {
      await signedIn(page);
      await goOffline(page);
      await page.getByTestId("nav-clients").click();
      await page.getByTestId("client-filter").check();
      await searchClients(page, "m");
      const found = await page.locator("[data-testid^=client-row-]").count();
      assert.ok(found > 3 && found < 100, `"m" finds a page's worth: ${found}`);
      const invite = async () => {
        await page.getByTestId("bulk-invite").click();
        await page.getByTestId("confirm-yes").click();
        await eventually(async () =>
          assert.equal(await page.getByTestId("bulk-confirm").count(), 0),
        );
      };
      await invite();
      const notice = page.getByTestId("bulk-queued");
      assert.equal(
        await text(notice),
        message("bulkInviteQueued", { clients: `${found} clients` }),
      );
      assert.equal(await notice.getAttribute("class"), "alert alert-info");
      assert.equal(await notice.locator("svg.alert-icon").count(), 1);
      assert.equal(await page.getByTestId("bulk-progress").count(), 0, "no run goes on offline");
      // A second click on the same clients while the first waits queues nothing more.
      await invite();
      assert.equal(
        await text(notice),
        message("bulkInviteQueued", { clients: `${found} clients` }),
      );
      const panel = page.getByTestId("queued-actions");
      await eventually(async () => assert.equal(await panel.locator("tbody tr").count(), 1));
      const subject = message("bulkSubjectSearch", { clients: `${found} clients`, query: "m" });
      assert.equal(subject, `${found} clients matching “m”`);
      const row = panel.locator("tbody tr").first();
      assert.match(
        await text(row),
        /^Portal invitations\s+(.+)\s+Alex Morgan\s+today, .+\s+Queued — will send when online$/,
      );
      assert.equal(await text(row.locator("td").nth(1)), subject);
      assert.equal(
        await text(page.getByTestId("offline-show-queue")),
        "See queued actions (1 waiting)",
      );
      assert.deepEqual(await mock(page, "bulkJobs"), []);
      await shot(page, "clients-bulk-queued");

      // Back online: the run is stored as the person who queued it, and this computer sends it.
      await setOnline(page, true);
      const [queued] = await mock(page, "queued");
      await eventually(async () => assert.equal(await rowState(page, queued.id), "sent"));
      assert.equal(
        await text(page.getByTestId(`queued-outcome-${queued.id}`)),
        message("bulkInviteStarted", { clients: `${found} clients` }),
      );
      assert.equal(await notice.count(), 0, "the queued notice gives way to the run");
      await page.getByTestId("bulk-progress").waitFor();
      await eventually(async () =>
        assert.equal(await page.getByTestId("bulk-progress").getAttribute("data-status"), "done"),
      );
      const jobs = await mock(page, "bulkJobs");
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0].createdBy, "amorgan");
      assert.equal(jobs[0].items.length, found);
      assert.equal(
        await text(page.getByTestId("bulk-summary")),
        `Finished: ${found} invitations sent, 0 skipped, 0 failed.`,
      );
    }));
});
