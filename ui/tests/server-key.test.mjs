// Settings › Mail: the admin exports this computer's outbox key for vetdesk-server. The key never
// shows; the file's place and the key's fingerprint do, after the password when it is stale.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useChromium, withApp } from "./chromium.mjs";
import { DEMO_PASSWORD, calls, signIn, text } from "./page.mjs";

useChromium();

describe("export the outbox key for vetdesk-server", () => {
  test("asks for the password when it is stale, then names the file and the fingerprint", () =>
    withApp({}, async (page) => {
      await signIn(page, "amorgan");
      await page.getByTestId("nav-settings").click();
      await page.evaluate(() => (window.__clinic.state.authenticatedAt = 0));
      await page.getByTestId("server-key-export").click();
      await page.getByTestId("confirm-password").fill(DEMO_PASSWORD);
      await page.getByTestId("confirm-password-submit").click();
      await page.getByTestId("server-key-path").waitFor();
      assert.equal(
        await text(page.getByTestId("server-key-path")),
        "/home/frontdesk/.local/share/vetdesk/vetdesk-server-dispatch.key",
      );
      assert.match(await text(page.getByTestId("server-key-fingerprint")), /^[0-9a-f]{32}$/);
      assert.equal(
        await page.getByTestId("server-key-result").getAttribute("role"),
        "status",
        "the result is announced",
      );
      assert.equal((await calls(page, "export_dispatch_key")).length, 2, "refused, then retried");
    }));
});
