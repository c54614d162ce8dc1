// The static server and one headless Chromium per test file; each test gets a fresh page.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
export const SCREENSHOT_DIR = resolve(here, "..", "..", "docs", "screenshots");
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

let server = null;
let context = null;
let userDataDir = null;
let launchError = null;

/**
 * Starts the static server and Chromium. A Chromium that can't start is remembered and
 * reported by every test as a failure (never a skip).
 */
export async function setUp() {
  server = await startServer();
  userDataDir = await mkdtemp(join(tmpdir(), "vetdesk-ui-chromium-"));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      timezoneId: "UTC",
      reducedMotion: "reduce",
    });
  } catch (e) {
    launchError = new Error(`Chromium could not be launched from ${CHROMIUM}: ${e.message}`);
  }
}

/** Fails when Chromium did not start. */
export function assertBrowser() {
  if (launchError) throw launchError;
  assert.ok(context, "Chromium was not started");
}

export async function tearDown() {
  await context?.close().catch(() => {});
  await server?.close();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
}

/**
 * Opens the app on a fresh page (fresh mock clinic), runs `body`, then checks that the page
 * logged no errors and broke no Content-Security-Policy rule. `clock: true` gives the page a
 * clock the test moves; `deviceScaleFactor: 2` draws each CSS pixel as two, as a browser zoomed
 * to 200 % does on a screen twice the viewport's size.
 */
export async function withApp(options, body) {
  if (typeof options === "function") [options, body] = [{}, options];
  const {
    config = {},
    viewport = { width: 1280, height: 800 },
    allowConsole = [],
    clock = false,
    deviceScaleFactor = 1,
  } = options;
  assertBrowser();
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  if (deviceScaleFactor !== 1) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Emulation.setDeviceMetricsOverride", {
      ...viewport,
      deviceScaleFactor,
      mobile: false,
    });
  }
  const problems = [];
  page.on("console", (m) => {
    if (m.type() !== "error" && m.type() !== "warning") return;
    const text = m.text();
    if (allowConsole.some((re) => re.test(text))) return;
    problems.push(`console.${m.type()}: ${text}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript((c) => {
    window.__MOCK_CONFIG__ = c;
  }, config);
  // A hand-moved clock for the page and the mock clinic alike (page.clock.fastForward).
  if (clock) await page.clock.install();
  try {
    await page.goto(server.url);
    // Started: a sign-in/recovery card or the signed-in shell is on screen.
    await page.locator(".auth-card, .shell").first().waitFor();
    await body(page);
    const csp = await page.evaluate(() => window.__cspViolations);
    assert.deepEqual(csp, [], "the app broke the Content-Security-Policy");
    assert.deepEqual(problems, [], "the page logged errors");
  } finally {
    await page.close();
  }
}

export async function shot(page, name) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    animations: "disabled",
    caret: "hide",
  });
}

/** Starts the server and Chromium before the file's tests and stops them after. */
export function useChromium() {
  before(setUp);
  after(tearDown);
}
