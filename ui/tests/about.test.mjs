// Help › About: the version, the database in use and the logs folder, from the sign-in card and
// from the side bar.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";
import { focused } from "./keys.mjs";

useChromium();

const DATA_DIR = "/home/frontdesk/.local/share/app.vetdesk.desktop";

describe("Help › About", () => {
  test("under the sign-in card: version, database and logs folder, and the folder opens", () =>
    withApp({ config: { demo: false } }, async (page) => {
      await page.getByTestId("about-open").click();
      const dialog = page.getByTestId("about-dialog");
      assert.equal(await text(dialog.locator(".modal-title")), "About VetDesk");
      assert.equal(await text(page.getByTestId("about-version")), "0.1.0");
      assert.equal(
        await text(page.getByTestId("about-database")),
        `This computer (${DATA_DIR}/vetdesk.sqlite3)`,
      );
      assert.equal(await text(page.getByTestId("about-logs")), `${DATA_DIR}/logs`);
      await assertAccessible(page, "about");
      await shot(page, "about");
      await page.getByTestId("about-open-logs").click();
      assert.equal((await calls(page, "open_logs_folder")).length, 1);
      // Escape closes it, and the focus goes back to what opened it.
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      await eventually(async () => assert.equal(await focused(page), "about-open"));
    }));

  test("in the side bar for everyone signed in, naming the clinic's server", () =>
    withApp({ config: { demo: false, onServer: true } }, async (page) => {
      await signIn(page, "rpatel");
      await page.getByTestId("nav-about").click();
      assert.equal(
        await text(page.getByTestId("about-database")),
        "The clinic's server (vetdesk on db.riverside.lan)",
      );
      await assertAccessible(page, "about, signed in");
      await page.getByTestId("dialog-close").click();
      await page.getByTestId("about-dialog").waitFor({ state: "detached" });
    }));
});
