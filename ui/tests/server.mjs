// A small static server for the built UI. It sends the production CSP on every page, and
// serves the mock clinic, compiled from TypeScript when the server starts, at /__test/.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));
const uiRoot = resolve(here, "..");
const distDir = join(uiRoot, "dist");
const MOCK_PATH = "/__test/mock-clinic.js";

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

/** The mock clinic and the @tauri-apps/api modules it uses, as one ES module. */
async function bundleMock() {
  const result = await build({
    configFile: false,
    root: uiRoot,
    logLevel: "warn",
    publicDir: false,
    build: {
      write: false,
      minify: false,
      target: "es2021",
      lib: { entry: join(here, "browser", "mock-clinic.ts"), formats: ["es"] },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const entry = outputs.find((o) => o.type === "chunk" && o.isEntry);
  if (!entry) throw new Error("The mock clinic did not compile to a module.");
  return entry.code;
}

async function indexWithHarness() {
  const html = await readFile(join(distDir, "index.html"), "utf8");
  const harness = `<script type="module" src="${MOCK_PATH}"></script>`;
  // Module scripts run in document order, so the mocks are in place before the app starts.
  return html.replace(/<script type="module"/, `${harness}\n    <script type="module"`);
}

export async function startServer() {
  await stat(join(distDir, "index.html")).catch(() => {
    throw new Error(`No build found at ${distDir}; run \`npm run build\` first.`);
  });
  const mock = await bundleMock();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = decodeURIComponent(url.pathname);
    let body = null;
    let type = TYPES[extname(path)] ?? "application/octet-stream";
    if (path === "/" || path === "/index.html") {
      body = await indexWithHarness();
      type = TYPES[".html"];
    } else if (path === MOCK_PATH) {
      body = mock;
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
