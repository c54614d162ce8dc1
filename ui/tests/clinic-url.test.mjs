// Settings › Clinic: Check asks the clinic web address, as typed, whether vetdesk-server answers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { shot, useChromium, withApp } from "./chromium.mjs";
import { calls, eventually, signIn, text } from "./page.mjs";
import { message } from "./fixture.mjs";

useChromium();

const LIVE = "https://portal.riverside-vet.example";
const config = {
  clinicServers: { [LIVE]: { kind: "vetdesk", version: "0.4.2", database: "ok" } },
};

const fieldError = (page) =>
  page.locator(".field", { has: page.getByTestId("clinic-url") }).locator(".field-error");

async function check(page, url) {
  const before = (await calls(page, "check_clinic_url")).length;
  await page.getByTestId("clinic-url").fill(url);
  await page.getByTestId("clinic-url-check").click();
  await eventually(async () => {
    assert.equal((await calls(page, "check_clinic_url")).length, before + 1);
    assert.equal(await page.getByTestId("clinic-url-check").isDisabled(), false);
  });
}

describe("clinic web address check", () => {
  test("says live with the server's version, or not live and why, for the address as typed", () =>
    withApp({ config }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();

      // Typed with capitals and a slash: checked as the back end reads it, and not saved.
      await page.evaluate(() => window.__clinic.slowNext("check_clinic_url", 600));
      await page.getByTestId("clinic-url").fill("https://Portal.Riverside-Vet.example/");
      await page.getByTestId("clinic-url-check").click();
      assert.equal(await text(page.getByTestId("clinic-url-check")), "Checking…");
      const live = page.getByTestId("clinic-url-live");
      assert.equal(
        await text(live),
        `Live · VetDesk server 0.4.2\n\n${message("clinicUrlLive", { version: "0.4.2", url: LIVE })}`,
      );
      assert.equal(
        await page.getByTestId("clinic-url-status").getAttribute("role"),
        "status",
        "the result is announced",
      );
      assert.deepEqual(await calls(page, "check_clinic_url"), [
        { url: "https://Portal.Riverside-Vet.example/" },
      ]);
      assert.deepEqual(await calls(page, "save_settings"), []);
      await page.getByTestId("clinic-url").scrollIntoViewIfNeeded();
      await shot(page, "settings-clinic-url");

      // Editing the address clears the answer: it was about the old one.
      await page.getByTestId("clinic-url").fill("https://old.riverside-vet.example");
      assert.equal(await page.getByTestId("clinic-url-live").count(), 0);
      await check(page, "https://old.riverside-vet.example");
      assert.equal(
        await text(page.getByTestId("clinic-url-down")),
        `Not live\n\n${message("clinicUrlNothing", { url: "https://old.riverside-vet.example" })}`,
      );

      await page.evaluate(
        (url) =>
          window.__clinic.setClinicServer(url, {
            kind: "vetdesk",
            version: "0.4.2",
            database: "down",
          }),
        LIVE,
      );
      await check(page, LIVE);
      assert.equal(
        await text(page.getByTestId("clinic-url-down")),
        `Not live · VetDesk server 0.4.2\n\n${message("clinicUrlNoDatabase", { version: "0.4.2", url: LIVE })}`,
      );

      const other = "https://www.riverside-vet.example";
      await page.evaluate(
        (url) => window.__clinic.setClinicServer(url, { kind: "timeout" }),
        other,
      );
      await check(page, other);
      assert.match(
        await text(page.getByTestId("clinic-url-down")),
        new RegExp(
          `^Not live\\s+${message("clinicUrlTimeout", { url: other }).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
        ),
      );
      assert.equal(await page.getByTestId("error").count(), 0);
    }));

  test("an address the back end refuses is marked under the field", () =>
    withApp({ config }, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      const input = page.getByTestId("clinic-url");
      const label = "Clinic web address";
      for (const [typed, expected] of [
        ["portal.riverside-vet.example", message("webAddressNotFull", { field: label })],
        ["http://portal.riverside-vet.example", message("httpsOnly", { field: label })],
        [
          "https://admin:pw@portal.riverside-vet.example",
          message("webAddressUserInfo", { field: label }),
        ],
        [
          "https://portal.riverside-vet.example/?next=x",
          message("webAddressExtraParts", { field: label }),
        ],
        ["   ", message("clinicUrlEmpty")],
      ]) {
        await check(page, typed);
        assert.equal(await text(fieldError(page)), expected, typed);
        assert.equal(await input.getAttribute("aria-invalid"), "true");
        assert.equal(await page.getByTestId("clinic-url-status").innerText(), "");
      }
      // Typing again clears the error; a good address is then checked.
      await input.fill("https://portal.riverside-vet.example");
      assert.equal(await fieldError(page).count(), 0);
      await check(page, LIVE);
      await page.getByTestId("clinic-url-live").waitFor();

      // Saving a refused address gets the same words under the same field.
      await input.fill("ftp://portal.riverside-vet.example");
      await page.getByTestId("settings-save").click();
      assert.equal(await text(fieldError(page)), message("httpsOnly", { field: label }));
      await eventually(async () =>
        assert.equal(
          await page.evaluate(() => document.activeElement?.dataset.testid),
          "clinic-url",
        ),
      );
    }));
});
