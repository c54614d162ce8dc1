// Setup › Settings › Database: an admin points this computer at the clinic's PostgreSQL server.
// Bad fields are named under the field, Test connection says what it found in words, and only a
// server that answered can be opened; opening it signs everyone out, and the status bar then
// names the database.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { message } from "./fixture.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";

useChromium();

const config = { demo: false, databaseServers: { "db.riverside.lan": "vetdesk" } };

const fieldError = (page, testid) =>
  page.locator(".field", { has: page.getByTestId(testid) }).locator(".field-error");

async function openDatabase(page) {
  await signIn(page, "amorgan");
  await page.getByTestId("nav-settings").click();
  await page.getByTestId("database-server").check();
}

async function fillServer(page, host) {
  await page.getByTestId("database-host").fill(host);
  await page.getByTestId("database-user").fill("frontdesk");
  await page.getByTestId("database-password").fill("harbor lantern");
}

describe("the clinic database of this computer", () => {
  test("names the field at fault and keeps TLS on for a server elsewhere", () =>
    withApp({ config }, async (page) => {
      await openDatabase(page);
      await page.getByTestId("database-user").fill("frontdesk");
      await page.getByTestId("database-test").click();
      await eventually(async () =>
        assert.equal(await text(fieldError(page, "database-host")), message("databaseHost")),
      );
      await fillServer(page, "db.riverside.lan");
      await page.getByTestId("database-tls").selectOption("off");
      await page.getByTestId("database-test").click();
      await eventually(async () =>
        assert.equal(
          await text(
            page
              .locator(".field", { has: page.getByTestId("database-tls") })
              .locator(".field-error"),
          ),
          message("databaseTlsOff"),
        ),
      );
      assert.equal(await page.getByTestId("database-use").isDisabled(), true);
    }));

  test("says why a server cannot be used, and opens one that answered", () =>
    withApp({ config }, async (page) => {
      await openDatabase(page);
      await fillServer(page, "db.elsewhere.lan");
      await page.getByTestId("database-test").click();
      const unreachable = page.getByTestId("database-check-unreachable");
      await unreachable.waitFor();
      assert.match(
        await text(unreachable),
        /^Cannot reach the database server at db\.elsewhere\.lan:5432 /,
      );
      assert.equal(await page.getByTestId("database-use").isDisabled(), true);

      await page.getByTestId("database-host").fill("db.riverside.lan");
      await page.getByTestId("database-test").click();
      const found = page.getByTestId("database-check-vetdesk");
      await found.waitFor();
      assert.equal(
        await text(found),
        message("databaseVetDesk", { database: "vetdesk", host: "db.riverside.lan" }),
      );
      await shot(page, "settings-database");
      await page.getByTestId("database-use").click();
      await page.getByTestId("database-confirm-yes").click();
      // Signed out; signing in again shows where the clinic now is.
      await page.getByTestId("login-username").waitFor();
      await signIn(page, "amorgan");
      assert.equal(
        await text(page.getByTestId("database-status")),
        "Clinic database: vetdesk on db.riverside.lan",
      );
      const [set] = await calls(page, "set_database_location");
      assert.equal(set.password, "harbor lantern");
      assert.equal(set.location.kind, "server");
      assert.deepEqual(set.location.tls, { mode: "verifyFull", caFile: null });
    }));

  test("keeps the demo clinic on this computer", () =>
    withApp({ config: { ...config, demo: true } }, async (page) => {
      await openDatabase(page);
      await fillServer(page, "db.riverside.lan");
      await page.getByTestId("database-test").click();
      await page.getByTestId("database-check-vetdesk").waitFor();
      await page.getByTestId("database-use").click();
      await page.getByTestId("database-confirm-yes").click();
      await eventually(async () =>
        assert.equal(await text(page.getByTestId("database-error")), message("databaseDemoStays")),
      );
    }));
});
