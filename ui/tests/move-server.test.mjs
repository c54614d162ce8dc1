// Setup › Settings › Database › Move this clinic to the server: offered only for a clinic on this
// computer and a server database that answered empty; it copies everything there with a progress
// bar, signs everyone out, and the sign-in screen lists what moved. A database that holds a
// clinic, and the demo clinic, are refused with nothing changed.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { message } from "./fixture.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";

useChromium();

const EMPTY = "db.bayside.lan";
const CLINIC = "db.riverside.lan";
const config = { demo: false, databaseServers: { [EMPTY]: "empty", [CLINIC]: "vetdesk" } };

/** Setup › Settings › Database with the server `host` filled in and tested. */
async function testServer(page, host, found) {
  await signIn(page, "amorgan");
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("database-server").check();
  await page.getByTestId("database-host").fill(host);
  await page.getByTestId("database-user").fill("frontdesk");
  await page.getByTestId("database-password").fill("harbor lantern");
  await page.getByTestId("database-test").click();
  await page.getByTestId(`database-check-${found}`).waitFor();
}

describe("moving this computer's clinic to the server", () => {
  test("copies it into an empty database with progress, and lists what moved", () =>
    withApp({ config }, async (page) => {
      await testServer(page, EMPTY, "empty");
      assert.match(
        await text(page.getByTestId("database-move-hint")),
        /copies everything in this computer's file .*; Use this database opens it empty/,
      );
      // Beside Use this database, and reached from it with the keyboard.
      await page.getByTestId("database-use").focus();
      await page.keyboard.press("Tab");
      const move = page.getByTestId("database-move");
      assert.equal(await move.evaluate((b) => b === document.activeElement), true);
      assert.equal(await move.getAttribute("aria-describedby"), "database-move-hint");
      await page.keyboard.press("Enter");

      const dialog = page.getByTestId("move-dialog");
      await dialog.waitFor();
      assert.match(await text(dialog.locator("#move-text")), /vetdesk on db\.bayside\.lan/);
      await page.keyboard.press("Enter");
      const bar = page.getByRole("progressbar", { name: "Copying the clinic to the server" });
      await eventually(
        async () => {
          const [value, max] = await Promise.all([
            bar.getAttribute("value"),
            bar.getAttribute("max"),
          ]);
          // Far enough along for the screenshot to show it.
          assert.ok(
            Number(value) > Number(max) / 4 && Number(value) < Number(max),
            `${value}/${max}`,
          );
        },
        5000,
        20,
      );
      assert.match(
        await text(page.getByTestId("move-progress-count")),
        /^[A-Z][\w ]+: [\d,]+ of [\d,]+ rows copied$/,
      );
      await shot(page, "move-to-server");

      // Signed out; the sign-in screen says where the clinic went and what moved.
      const report = page.getByTestId("move-report");
      await report.waitFor();
      assert.match(
        await text(report),
        new RegExp(
          `^${message("moveDone", { database: "vetdesk", host: EMPTY }).replace(/\./g, "\\.")}`,
        ),
      );
      const moved = page.getByRole("list", { name: "What moved to the server" });
      const items = await moved.getByRole("listitem").allInnerTexts();
      const clinic = await page.evaluate(() => window.__clinic.state);
      assert.deepEqual(items.slice(0, 3), [
        `Staff ${clinic.staff.length}`,
        `Clients ${clinic.clients.length.toLocaleString("en-US")}`,
        `Pets ${clinic.clients.reduce((n, c) => n + c.pets.length, 0).toLocaleString("en-US")}`,
      ]);
      assert.ok(
        items.some((i) => /^Activity [\d,]+$/.test(i)),
        items.join(" · "),
      );

      await signIn(page, "amorgan");
      assert.equal(
        await text(page.getByTestId("database-status")),
        `Clinic database: vetdesk on ${EMPTY}`,
      );
      const [sent] = await calls(page, "move_to_server");
      assert.equal(sent.password, "harbor lantern");
      assert.equal(sent.address.host, EMPTY);
    }));

  test("is not offered for a database that holds a clinic, and refuses one that filled meanwhile", () =>
    withApp({ config }, async (page) => {
      await testServer(page, CLINIC, "vetdesk");
      assert.equal(await page.getByTestId("database-move").count(), 0);
      assert.equal(await page.getByTestId("database-move-hint").count(), 0);

      await page.getByTestId("database-host").fill(EMPTY);
      await page.getByTestId("database-test").click();
      await page.getByTestId("database-check-empty").waitFor();
      // Another front desk moves its clinic there first.
      await page.evaluate((host) => {
        window.__clinic.state.databaseServers[host] = "vetdesk";
      }, EMPTY);
      await page.getByTestId("database-move").click();
      await page.getByTestId("move-confirm").click();
      await eventually(async () =>
        assert.equal(
          await text(page.getByTestId("move-error")),
          message("moveNotEmpty", { database: "vetdesk", host: EMPTY }),
        ),
      );
      assert.equal(await text(page.getByTestId("move-confirm")), "Try again");
      await page.getByTestId("move-cancel").click();
      // Nothing changed: still signed in, on this computer's file.
      assert.equal(await text(page.getByTestId("database-status")), "Local database");
      assert.equal(await page.getByTestId("move-dialog").count(), 0);
    }));

  test("keeps the demo clinic on this computer", () =>
    withApp({ config: { ...config, demo: true } }, async (page) => {
      await testServer(page, EMPTY, "empty");
      await page.getByTestId("database-move").click();
      await page.getByTestId("move-confirm").click();
      await eventually(async () =>
        assert.equal(await text(page.getByTestId("move-error")), message("databaseDemoStays")),
      );
    }));
});
