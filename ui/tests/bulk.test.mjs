// Bulk portal invitations on the Clients list: picking clients, or everyone a filtered search
// finds, the confirmation, the progress of the run, Cancel, and a run found again after a
// restart (a reload of the page).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";
import { message } from "./fixture.mjs";

useChromium();

const CLINIC_URL = "https://riverside-vet.example";
/** A clinic that can invite: SMTP set up, the clinic's web address known. */
const sending = (bulkTickMs) => ({
  config: { mailTransport: "smtp", clinicUrl: CLINIC_URL, bulkTickMs },
});

// Seeded clients the tests name (tests/browser/client-seed.ts).
const MAYA = 1; // not registered, has email
const TOM = 2; // active portal account
const SAM = 3; // shares Tom's address, not registered
const GRACE = 4; // no email

const rowIds = (page) =>
  page
    .locator("[data-testid^=client-row-]")
    .evaluateAll((rows) => rows.map((r) => Number(r.dataset.testid.slice("client-row-".length))));

async function openClients(page, username = "ochen") {
  await signIn(page, username);
  await page.getByTestId("nav-clients").click();
  await eventually(async () => assert.equal((await rowIds(page)).length, 100));
}

async function search(page, query) {
  await page.getByTestId("client-search").fill(query);
  await eventually(async () => {
    const last = (await calls(page, "search_clients")).at(-1);
    assert.equal(last.query, query);
    assert.equal(await page.getByTestId("client-list").getAttribute("aria-busy"), "false");
  });
}

/** The run's counts as the panel shows them. */
async function counts(page) {
  const line = await text(page.getByTestId("bulk-counts"));
  const m = /^(\d+) sent · (\d+) skipped · (\d+) failed of (\d+)$/.exec(line);
  assert.ok(m, `counts read "${line}"`);
  const [sent, skipped, failed, total] = m.slice(1).map(Number);
  return { sent, skipped, failed, total };
}

const status = (page) => page.getByTestId("bulk-progress").getAttribute("data-status");

/** Clients a bulk invitation can reach: an email on file and no portal account. */
const reachable = (page) =>
  page.evaluate(() => {
    const c = window.__clinic.state;
    return c.clients.filter((x) => x.email && !c.portalAccounts[x.id]).length;
  });

describe("bulk invitations", () => {
  test("invites the selected clients; the skipped are listed with why", () =>
    withApp(sending(40), async (page) => {
      await openClients(page);
      const invite = page.getByTestId("bulk-invite");
      assert.equal(await invite.isDisabled(), true, "nothing selected, no filter");
      assert.equal(
        await text(page.getByTestId("bulk-invite-hint")),
        "Select clients, or turn on “Not registered, has email” to invite everyone the search finds.",
      );

      await search(page, "hale");
      await page.getByTestId(`client-select-${TOM}`).check();
      await page.getByTestId(`client-select-${SAM}`).check();
      // A checkbox is named by its client's name; picking it does not open the profile.
      assert.equal(
        await page.getByRole("checkbox", { name: "Sam Hale", exact: true }).isChecked(),
        true,
      );
      assert.equal(await page.getByTestId("client-profile").count(), 0);

      // By keyboard: down from the search to the row, back to its checkbox, Space.
      await search(page, "whitfield");
      await page.getByTestId("client-search").press("ArrowDown");
      await page.keyboard.press("Shift+Tab");
      assert.equal(
        await page.evaluate(() => document.activeElement?.dataset.testid),
        `client-select-${GRACE}`,
      );
      await page.keyboard.press("Space");
      assert.equal(await page.getByTestId(`client-select-${GRACE}`).isChecked(), true);

      await search(page, "bren");
      await page.getByTestId("bulk-select-all").check();
      assert.equal(await page.getByTestId(`client-select-${MAYA}`).isChecked(), true);
      assert.equal(await text(page.getByTestId("bulk-selected")), "4 clients selected");
      assert.equal(
        await text(page.getByTestId("bulk-invite-hint")),
        "Invites the 4 clients selected.",
      );

      await invite.click();
      const dialog = page.getByTestId("bulk-confirm");
      assert.equal(
        await text(dialog.getByTestId("bulk-confirm-text")),
        "Invite the 4 clients you selected?",
      );
      assert.deepEqual(
        await dialog.getByTestId("bulk-confirm-names").locator("li").allInnerTexts(),
        ["Tom Hale", "Sam Hale", "Grace Whitfield", "Maya Brennan"],
      );
      await page.getByTestId("confirm-yes").click();
      await eventually(async () => assert.equal(await dialog.count(), 0));
      assert.deepEqual(await calls(page, "start_bulk_invite"), [
        { selection: { kind: "clients", ids: [TOM, SAM, GRACE, MAYA] } },
      ]);
      assert.equal(await text(page.getByTestId("bulk-selected")), "None selected");

      await eventually(async () => assert.equal(await status(page), "done"));
      assert.deepEqual(await counts(page), { sent: 1, skipped: 3, failed: 0, total: 4 });
      const bar = page.getByTestId("bulk-progressbar");
      assert.equal(await bar.getAttribute("max"), "4");
      assert.equal(await bar.evaluate((el) => el.value), 4);
      assert.equal(
        await text(page.getByTestId("bulk-summary")),
        "Finished: 1 invitation sent, 3 skipped, 0 failed.",
      );
      const notSent = page.getByTestId("bulk-not-sent").locator("li");
      assert.deepEqual(
        (await notSent.allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim()),
        [
          `Tom Hale ${message("bulkRegistered")}`,
          `Sam Hale ${message("bulkEmailInUse")}`,
          `Grace Whitfield ${message("bulkNoEmail")}`,
        ],
      );
      // Progress was asked while the run went on, and the list shows Maya's new badge.
      assert.ok((await calls(page, "bulk_invite_progress")).length >= 1);
      await eventually(async () =>
        assert.equal(
          await text(page.getByTestId(`client-row-${MAYA}`).locator(".badge")),
          "Invited",
        ),
      );
      await shot(page, "clients-bulk-done");

      await page.getByTestId("bulk-dismiss").click();
      assert.equal(await page.getByTestId("bulk-progress").count(), 0);
    }));

  test("with nothing selected and the filter on, invites everyone the search finds", () =>
    withApp(sending(20), async (page) => {
      await openClients(page);
      await page.getByTestId("client-filter").check();
      await eventually(async () =>
        assert.match(await text(page.getByTestId("client-count")), /^100\+ clients with an email/),
      );
      assert.equal(
        await text(page.getByTestId("bulk-invite-hint")),
        "Nothing is selected: invites everyone this search finds who has an email and no portal account.",
      );
      // The whole search is more than a page: the dialog counts it before it asks.
      const all = await reachable(page);
      await page.getByTestId("bulk-invite").click();
      await eventually(async () =>
        assert.equal(
          await text(page.getByTestId("bulk-confirm-text")),
          `Invite all ${all} clients with an email and no portal account?`,
        ),
      );
      await page.getByTestId("confirm-no").click();
      assert.deepEqual(await calls(page, "start_bulk_invite"), []);

      await search(page, "m");
      const found = (await rowIds(page)).length;
      assert.ok(found > 3 && found < 100, `"m" finds a page's worth: ${found}`);
      await page.getByTestId("bulk-invite").click();
      assert.equal(
        await text(page.getByTestId("bulk-confirm-text")),
        `Invite all ${found} clients with an email and no portal account, matching “m”?`,
      );
      await page.getByTestId("confirm-yes").click();
      assert.deepEqual(await calls(page, "start_bulk_invite"), [
        { selection: { kind: "search", query: "m", filter: "notRegisteredWithEmail" } },
      ]);
      await eventually(async () => assert.equal(await status(page), "done"), 15000);
      assert.deepEqual(await counts(page), { sent: found, skipped: 0, failed: 0, total: found });
      assert.equal(await page.getByTestId("bulk-not-sent").count(), 0);
      // Everyone it found has a portal account now, so the filtered list has none left.
      await eventually(async () =>
        assert.equal(
          await text(page.getByTestId("client-count")),
          "No clients with an email and no portal account match “m”.",
        ),
      );
      assert.equal(await reachable(page), all - found);
    }));

  test("Cancel stops a run mid-way and its counts stay where they stopped", () =>
    withApp(sending(150), async (page) => {
      await openClients(page);
      await page.getByTestId("client-filter").check();
      await page.getByTestId("bulk-invite").click();
      const yes = page.getByTestId("confirm-yes");
      await eventually(async () => assert.equal(await yes.isEnabled(), true));
      await yes.click();
      await eventually(async () => assert.ok((await counts(page)).sent >= 3));
      assert.equal(await status(page), "running");
      assert.equal(await text(page.getByTestId("bulk-status")), "Sending");
      await shot(page, "clients-bulk-progress");

      await page.getByTestId("bulk-cancel").click();
      await eventually(async () => assert.equal(await status(page), "cancelled"));
      const stopped = await counts(page);
      assert.ok(stopped.sent < stopped.total);
      const worked = stopped.sent + stopped.skipped + stopped.failed;
      assert.equal(
        await text(page.getByTestId("bulk-summary")),
        `Cancelled after ${worked} of ${stopped.total} clients: ${stopped.sent} invitations sent, 0 skipped, 0 failed. Clients already invited stay invited.`,
      );
      assert.equal(await page.getByTestId("bulk-cancel").count(), 0);
      await page.waitForTimeout(800);
      assert.deepEqual(await counts(page), stopped);
      const job = await page.evaluate(() => window.__clinic.state.bulkJobs[0]);
      assert.equal(job.status, "cancelled");
      assert.equal(job.items.filter((i) => i.outcome !== null).length, worked);
      assert.deepEqual(await calls(page, "cancel_bulk_invite"), [{ jobId: job.id }]);
    }));

  test("after a restart, the run still sending is shown again", () =>
    withApp(sending(200), async (page) => {
      await openClients(page);
      await page.getByTestId("client-filter").check();
      await page.getByTestId("bulk-invite").click();
      const yes = page.getByTestId("confirm-yes");
      await eventually(async () => assert.equal(await yes.isEnabled(), true));
      await yes.click();
      await eventually(async () => assert.ok((await counts(page)).sent >= 2));
      const before = await counts(page);

      await page.reload();
      await page.getByTestId("login-username").waitFor();
      await openClients(page);
      assert.equal((await calls(page, "running_bulk_invites")).length, 1);
      await eventually(async () => assert.equal(await status(page), "running"));
      const after = await counts(page);
      assert.equal(after.total, before.total);
      assert.ok(after.sent >= before.sent, `${after.sent} ≥ ${before.sent}`);
      // Still moving: the runner on this computer took the run up again.
      await eventually(async () => assert.ok((await counts(page)).sent > after.sent));
      await page.getByTestId("bulk-cancel").click();
      await eventually(async () => assert.equal(await status(page), "cancelled"));
    }));

  test("without the clinic's web address, the dialog says where to set it", () =>
    withApp({ config: { mailTransport: "smtp" } }, async (page) => {
      await openClients(page, "amorgan");
      await page.getByTestId(`client-select-${MAYA}`).check();
      await page.getByTestId("bulk-invite").click();
      await page.getByTestId("confirm-yes").click();
      assert.equal(await text(page.getByTestId("bulk-confirm-error")), message("clinicUrlMissing"));
      assert.equal(await page.getByTestId("bulk-progress").count(), 0);
      assert.equal(await page.getByTestId(`client-select-${MAYA}`).isChecked(), true);
    }));

  test("receptionists, veterinarians and technicians see none of it; the back end refuses", () =>
    withApp(sending(40), async (page) => {
      for (const username of ["dkim", "jsmith", "tlee"]) {
        await signIn(page, username);
        await eventually(async () => assert.equal((await rowIds(page)).length, 100));
        assert.equal(await page.getByTestId("bulk-bar").count(), 0, username);
        assert.equal(await page.locator("[data-testid^=client-select-]").count(), 0, username);
        assert.equal(await page.locator("thead th").count(), 5, username);
        assert.equal(await page.getByTestId("bulk-progress").count(), 0, username);
        const refusal = await page.evaluate(() =>
          window.__TAURI_INTERNALS__
            .invoke("start_bulk_invite", { selection: { kind: "clients", ids: [1] } })
            .catch((e) => e),
        );
        assert.equal(refusal.code, "forbidden");
        assert.equal(refusal.message, message("forbiddenBulk"));
        await page.getByTestId("signout").click();
        await page.getByTestId("login-username").waitFor();
      }
      assert.deepEqual(await page.evaluate(() => window.__clinic.state.bulkJobs), []);
      // Nobody asked for runs either: the Clients screen does not look for them.
      assert.deepEqual(await calls(page, "running_bulk_invites"), []);
    }));
});
