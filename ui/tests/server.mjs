// A small static server for the built UI. It sends the production CSP on every page, and
// serves the mock clinic and the @tauri-apps/api ES modules it needs under /__test/.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const uiRoot = resolve(here, "..");
const distDir = join(uiRoot, "dist");
const browserDir = join(here, "browser");
const tauriApiDir = join(uiRoot, "node_modules", "@tauri-apps", "api");

/** The app's own CSP, read from tauri.conf.json so the tests cannot drift from it. */
export const CSP = Object.entries(
  JSON.parse(readFileSync(join(uiRoot, "..", "tauri.conf.json"), "utf8")).app.security.csp,
)
  .map(([directive, sources]) => `${directive} ${sources}`)
  .join("; ");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

/** Resolves `rel` inside `root`, refusing anything that climbs out of it. */
function inside(root, rel) {
  const full = normalize(join(root, rel));
  return full === root || full.startsWith(root + sep) ? full : null;
}

async function fileOrNull(path) {
  if (!path) return null;
  try {
    const s = await stat(path);
    return s.isFile() ? await readFile(path) : null;
  } catch {
    return null;
  }
}

async function indexWithHarness() {
  const html = await readFile(join(distDir, "index.html"), "utf8");
  const harness = '<script type="module" src="/__test/mock-clinic.js"></script>';
  // Module scripts run in document order, so the mocks are in place before the app starts.
  return html.replace(/<script type="module"/, `${harness}\n    <script type="module"`);
}

export async function startServer() {
  await stat(join(distDir, "index.html")).catch(() => {
    throw new Error(`No build found at ${distDir}; run \`npm run build\` first.`);
  });
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname);
    let body = null;
    let type = TYPES[extname(path)] ?? "application/octet-stream";
    if (path === "/" || path === "/index.html") {
      body = await indexWithHarness();
      type = TYPES[".html"];
    } else if (path.startsWith("/__test/tauri/")) {
      body = await fileOrNull(inside(tauriApiDir, path.slice("/__test/tauri/".length)));
    } else if (path.startsWith("/__test/")) {
      body = await fileOrNull(inside(browserDir, path.slice("/__test/".length)));
    } else {
      body = await fileOrNull(inside(distDir, path.slice(1)));
    }
    if (body === null) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, {
      "content-type": type,
      "cache-control": "no-store",
      "content-security-policy": CSP,
    });
    res.end(body);
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
