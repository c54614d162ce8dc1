// Arrow keys in the Staff and Clients lists: one Tab stop, rows numbered for screen readers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn } from "./page.mjs";
import { focusProblems, focusedTestid, tabTo } from "./keys.mjs";

useChromium();

/** The row holding the focus: its number for screen readers, and whether it is highlighted. */
const focusedRow = (page) =>
  page.evaluate(() => {
    const tr = document.activeElement?.closest("tr");
    return {
      rowindex: tr?.getAttribute("aria-rowindex") ?? null,
      highlighted: tr ? getComputedStyle(tr).boxShadow !== "none" : false,
    };
  });

async function assertRowFocus(page, testid, rowindex) {
  assert.equal(await focusedTestid(page), testid);
  assert.deepEqual(await focusedRow(page), { rowindex: String(rowindex), highlighted: true });
  assert.deepEqual((await focusProblems(page)).problems, []);
}

describe("arrow keys in the lists", () => {
  test("Staff List: one Tab stop, arrows, Home/End, Enter opens the card", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      const table = page.getByTestId("staff-table");
      await eventually(async () => assert.equal(await table.getAttribute("aria-rowcount"), "13"));
      assert.equal(await table.locator("thead tr").getAttribute("aria-rowindex"), "1");
      assert.equal(await page.locator(".row-open[tabindex='0']").count(), 1);

      await tabTo(page, "staff-card-1");
      await assertRowFocus(page, "staff-card-1", 2);
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await assertRowFocus(page, "staff-card-3", 4);
      await page.keyboard.press("End");
      await assertRowFocus(page, "staff-card-12", 13);
      await page.keyboard.press("ArrowDown");
      await assertRowFocus(page, "staff-card-12", 13);
      await page.keyboard.press("Home");
      await assertRowFocus(page, "staff-card-1", 2);
      await page.keyboard.press("ArrowUp");
      await assertRowFocus(page, "staff-card-1", 2);
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");

      // Tab leaves the list and Shift+Tab comes back to the row last visited.
      await page.keyboard.press("Tab");
      assert.notEqual(await focusedTestid(page), "staff-card-4");
      await page.keyboard.press("Shift+Tab");
      await assertRowFocus(page, "staff-card-3", 4);
      assert.equal(await page.locator(".row-open[tabindex='0']").count(), 1);

      await page.keyboard.press("Enter");
      await page.getByTestId("staff-card").waitFor();
      assert.deepEqual((await calls(page, "staff_card")).at(-1), { staffId: 3 });
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await focusedTestid(page), "staff-card-3"));

      // ArrowDown from the search box goes to the list; a new search starts at its top.
      await tabTo(page, "staff-search", { key: "Shift+Tab" });
      await page.keyboard.type("r");
      await eventually(async () =>
        assert.equal((await calls(page, "list_staff")).at(-1).query, "r"),
      );
      await eventually(async () => {
        await page.getByTestId("staff-search").press("ArrowDown");
        const first = await page
          .locator("[data-testid^=staff-row-]")
          .first()
          .getAttribute("data-testid");
        assert.equal(await focusedTestid(page), first.replace("staff-row-", "staff-card-"));
      });
      assert.equal((await focusedRow(page)).rowindex, "2");
    }));

  test("Clients: rows numbered while more may come, arrows and Enter", () =>
    withApp(async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-clients").click();
      const table = page.getByTestId("client-table");
      await eventually(async () =>
        assert.equal(await page.locator("[data-testid^=client-row-]").count(), 100),
      );
      assert.equal(await table.getAttribute("aria-rowcount"), "-1", "more pages to come");
      await tabTo(page, "client-filter");
      await page.keyboard.press("Tab"); // select all
      await page.keyboard.press("Tab"); // the list: the first row's checkbox
      await page.keyboard.press("Tab"); // and its button
      const first = await focusedTestid(page);
      assert.match(first, /^client-open-\d+$/);
      assert.deepEqual(await focusedRow(page), { rowindex: "2", highlighted: true });
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      assert.deepEqual(await focusedRow(page), { rowindex: "4", highlighted: true });
      const third = await focusedTestid(page);
      await page.keyboard.press("Enter");
      await page.getByTestId("client-profile").waitFor();
      assert.deepEqual((await calls(page, "client_profile")).at(-1), {
        clientId: Number(third.slice("client-open-".length)),
      });
      await page.keyboard.press("Escape");
      await eventually(async () => assert.equal(await focusedTestid(page), third));
    }));
});
