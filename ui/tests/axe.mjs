// axe-core in the app's page: WCAG 2.2 A/AA rules, failing on serious and critical violations.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { ownTextContrast, fieldContrastProblems } from "./contrast.mjs";

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve("axe-core/axe.min.js");
export const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const BLOCKING = new Set(["serious", "critical"]);

let source = null;

/**
 * Loads axe into the page. Evaluated over the DevTools protocol rather than added as a script
 * tag, so the page's Content-Security-Policy (no inline scripts) stays as it is.
 */
async function loadAxe(page) {
  source ??= await readFile(AXE_PATH, "utf8");
  const loaded = await page.evaluate(() => typeof window.axe?.run === "function");
  if (!loaded) await page.evaluate(source);
  assert.equal(
    await page.evaluate(() => typeof window.axe?.run === "function"),
    true,
    "axe-core did not load in the page",
  );
}

const trim = (list) =>
  list.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      targets: n.target,
      target: n.target.join(" "),
      summary: (n.failureSummary ?? "").replace(/\s+/g, " ").trim(),
    })),
  }));

/** axe.run in the page; a `context` of null is the whole document. */
const runAxe = (page, context, options) =>
  page.evaluate(([c, o]) => window.axe.run(c ?? document, o), [context, options]);

/** Every scroll position on the page, to put back after axe has scrolled things into view. */
const saveScroll = (page) =>
  page.evaluate(() => {
    const all = [document.scrollingElement, ...document.querySelectorAll("*")];
    window.__axeScroll = all
      .filter((el) => el && (el.scrollTop || el.scrollLeft || el.scrollHeight > el.clientHeight))
      .map((el) => [el, el.scrollTop, el.scrollLeft]);
  });
const restoreScroll = (page) =>
  page.evaluate(() => {
    for (const [el, top, left] of window.__axeScroll ?? []) el.scrollTo(left, top);
    delete window.__axeScroll;
  });

/**
 * Text axe could not measure because something covered it (a sticky bar, a scrolled pane) is
 * brought to the middle of its pane and measured again on its own. Returns the violations and
 * what stays undecided.
 */
async function recheckCovered(page, nodes) {
  const violations = [];
  const undecided = [];
  await saveScroll(page);
  try {
    for (const node of nodes) {
      await page.evaluate((sel) => {
        document.querySelector(sel)?.scrollIntoView({ block: "center", inline: "center" });
      }, node.targets.at(-1));
      const r = await runAxe(
        page,
        { include: [node.targets] },
        {
          runOnly: { type: "rule", values: ["color-contrast"] },
          resultTypes: ["violations", "incomplete"],
        },
      );
      violations.push(...trim(r.violations));
      for (const v of trim(r.incomplete)) {
        for (const n of v.nodes) {
          // axe cannot order stacked modal dialogs, and takes text that reaches past a
          // neighbour's box for covered; uncovered text is measured against its ancestors.
          const measured = await ownTextContrast(page, n.targets.at(-1));
          if (!measured) undecided.push(n);
          else if (measured.ratio < measured.needed) {
            violations.push({
              id: "color-contrast",
              impact: "serious",
              help: `Text must meet ${measured.needed}:1`,
              nodes: [{ ...n, summary: `contrast ${measured.ratio.toFixed(2)}:1` }],
            });
          }
        }
      }
    }
  } finally {
    await restoreScroll(page);
  }
  return { violations, undecided };
}

/**
 * Text over a gradient, measured against each colour of the gradient and the colour under it:
 * the worst of these bounds the contrast anywhere on it.
 */
const gradientContrast = (page, selector) => page.evaluate(worstOverGradient, selector);

function worstOverGradient(selector) {
  const el = document.querySelector(selector);
  const rgb = (css) => {
    const m = /rgba?\(([^)]+)\)/.exec(css);
    const [r, g, b, a = 1] = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const fg = rgb(getComputedStyle(el).color);
  for (let n = el; n; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (!s.backgroundImage.includes("gradient")) continue;
    const stops = (s.backgroundImage.match(/rgba?\([^)]+\)/g) ?? []).map(rgb).filter((c) => c.a);
    const colours = [...stops, rgb(s.backgroundColor)];
    return Math.min(...colours.map((c) => ratio(fg, c)));
  }
  return null;
}

/**
 * Runs axe on the page as it stands: its violations, and what it could not decide (`incomplete`),
 * trimmed to what is reported. Colour contrast that axe left undecided because the text was
 * covered or over a gradient is measured again; `undecidedContrast` is what still is.
 */
export async function axeResults(page) {
  await loadAxe(page);
  // Animations and transitions are reduced; a frame lets the last render settle first.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  const result = await runAxe(page, null, {
    runOnly: { type: "tag", values: WCAG_TAGS },
    resultTypes: ["violations", "incomplete"],
  });
  const violations = trim(result.violations);
  const incomplete = trim(result.incomplete);
  const contrast = incomplete.find((v) => v.id === "color-contrast");
  const undecidedContrast = [];
  if (contrast) {
    const covered = contrast.nodes.filter((n) => /obscured|overlap/.test(n.summary));
    const gradient = contrast.nodes.filter((n) => /gradient/.test(n.summary));
    const recheck = await recheckCovered(page, covered);
    violations.push(...recheck.violations);
    undecidedContrast.push(...recheck.undecided);
    for (const node of gradient) {
      const worst = await gradientContrast(page, node.targets.at(-1));
      if (worst === null) undecidedContrast.push(node);
      else if (worst < 4.5) {
        violations.push({
          id: "color-contrast",
          impact: "serious",
          help: "Text over a gradient must meet 4.5:1 against each of its colours",
          nodes: [{ ...node, summary: `worst contrast ${worst.toFixed(2)}:1` }],
        });
      }
    }
    // Text axe could not measure for another reason (an empty field has none to measure).
    for (const n of contrast.nodes) {
      if (![...covered, ...gradient].includes(n) && !/has no value/.test(n.summary)) {
        undecidedContrast.push(n);
      }
    }
  }
  const others = incomplete.filter((v) => v.id !== "color-contrast");
  return { violations, incomplete: others, undecidedContrast };
}

const describeViolation = (v) =>
  [
    `${v.id} (${v.impact}): ${v.help}`,
    ...v.nodes.map((n) => `    ${n.target}\n      ${n.summary}`),
  ].join("\n");

/**
 * Fails when axe finds a serious or critical violation on `screenName`, or a form field's
 * boundary or placeholder lacks contrast; prints one line per screen with the counts either way.
 */
export async function assertAccessible(page, screenName) {
  const { violations, incomplete, undecidedContrast } = await axeResults(page);
  const fields = await fieldContrastProblems(page);
  const blocking = violations.filter((v) => BLOCKING.has(v.impact));
  const minor = violations.filter((v) => !BLOCKING.has(v.impact));
  const count = (list) => list.reduce((n, v) => n + v.nodes.length, 0);
  const ids = (list) => (list.length ? ` (${list.map((v) => v.id).join(", ")})` : "");
  console.log(
    `axe ${screenName}: ${count(blocking)} serious/critical${ids(blocking)}, ` +
      `${count(minor)} moderate/minor${ids(minor)}, ${count(incomplete)} to review` +
      `${ids(incomplete)}, ${undecidedContrast.length} contrast undecided, ` +
      `${fields.length} field contrast`,
  );
  for (const v of incomplete) console.log(`  to review: ${describeViolation(v)}`);
  assert.equal(
    blocking.length,
    0,
    `axe found serious/critical violations on ${screenName}:\n` +
      blocking.map(describeViolation).join("\n"),
  );
  assert.deepEqual(
    undecidedContrast.map((n) => `${n.target}: ${n.summary}`),
    [],
    `axe could not measure the contrast of some text on ${screenName}`,
  );
  assert.deepEqual(fields, [], `form fields on ${screenName} lack contrast`);
}
