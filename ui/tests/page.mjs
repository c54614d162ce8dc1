// Driving and reading the app's page.
import assert from "node:assert/strict";

export const DEMO_PASSWORD = "kennel clipboard sunrise";

export const calls = (page, cmd) => page.evaluate((c) => window.__clinic.calls(c), cmd);

/** Retries `check` until it stops throwing or `timeoutMs` passes. */
export async function eventually(check, timeoutMs = 5000, stepMs = 100) {
  const start = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() - start > timeoutMs) throw e;
      await new Promise((r) => setTimeout(r, stepMs));
    }
  }
}

export async function text(locator) {
  await locator.waitFor();
  return (await locator.innerText()).trim();
}

export async function signIn(page, username, password = DEMO_PASSWORD) {
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("signout").waitFor();
}

/** No horizontal scrolling anywhere on the page. */
export async function assertNoHorizontalOverflow(page, what) {
  const overflow = await page.evaluate(() => {
    const out = [];
    const de = document.documentElement;
    if (de.scrollWidth > de.clientWidth + 1)
      out.push(`document ${de.scrollWidth} > ${de.clientWidth}`);
    for (const el of document.querySelectorAll(".content, .modal-body, .auth-card, .sidenav")) {
      if (el.scrollWidth > el.clientWidth + 1)
        out.push(`${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return out;
  });
  assert.deepEqual(overflow, [], `${what} scrolls sideways`);
}
