// Driving the app from the keyboard, and checking where the focus is and that it shows.
import assert from "node:assert/strict";

/** The focused element in a few words: its test id, or its tag and name. */
export const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "<body>";
    const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40);
    return el.dataset?.testid ?? `${el.tagName.toLowerCase()} “${name}”`;
  });

export const focusedTestid = (page) =>
  page.evaluate(() => document.activeElement?.dataset?.testid ?? null);

/**
 * Presses `key` (Tab, or Shift+Tab) until the element with test id `testid` has the focus;
 * fails, naming every element visited, after `limit` presses.
 */
export async function tabTo(page, testid, { key = "Tab", limit = 40 } = {}) {
  const visited = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    const now = await focused(page);
    visited.push(now);
    if (now === testid) return;
  }
  assert.fail(`${key} never reached ${testid}; visited: ${visited.join(" → ")}`);
}

/**
 * What is wrong with the focused element as a keyboard user sees it: on <body>, hidden, off
 * screen or covered, or with no focus indicator (an outline or a box-shadow ring of at least
 * 3:1 contrast against what is behind it, not clipped by a scrolling or clipping ancestor).
 */
export const focusProblems = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) {
      return { what: "<body>", problems: document.hasFocus() ? ["focus on <body>"] : [] };
    }
    const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").trim().slice(0, 40);
    const what = el.dataset.testid ?? `${el.tagName.toLowerCase()} “${name}”`;
    const problems = [];
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || s.visibility !== "visible" || el.closest("[hidden]")) {
      problems.push("hidden");
    }
    if (r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth) {
      problems.push("off screen");
    } else {
      const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
      const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
      if (!hit || !(el.contains(hit) || hit === label || hit.contains(el))) {
        problems.push(`covered by ${hit?.tagName.toLowerCase()}.${hit?.className}`);
      }
    }

    const rgba = (c) => {
      const n = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      // rgb(r, g, b[, a]) or color(srgb r g b[ / a]) with 0–1 channels.
      const scale = c.startsWith("color(") ? 255 : 1;
      return [n[0] * scale, n[1] * scale, n[2] * scale, n[3] ?? 1];
    };
    const over = (top, under) =>
      top.map((v, i) => (i < 3 ? v * top[3] + under[i] * (1 - top[3]) : 1));
    const backdrop = (node) => {
      const layers = [];
      for (let n = node; n instanceof Element; n = n.parentElement) {
        const c = rgba(getComputedStyle(n).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255, 1]);
    };
    const luminance = ([r, g, b]) => {
      const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };

    const width = parseFloat(s.outlineWidth);
    const outlined = s.outlineStyle !== "none" && width > 0;
    const ringColor = outlined
      ? s.outlineColor
      : s.boxShadow !== "none"
        ? (s.boxShadow.match(/(rgba?|color)\([^)]*\)/)?.[0] ?? null)
        : null;
    if (!ringColor) {
      problems.push("no focus indicator");
    } else {
      const behind = backdrop(el.parentElement);
      const ratio = contrast(over(rgba(ringColor), behind), behind);
      if (ratio < 3) problems.push(`focus ring contrast ${ratio.toFixed(2)}:1`);
    }
    if (outlined) {
      const reach = width + Math.max(0, parseFloat(s.outlineOffset) || 0);
      // A dialog sits in the top layer, out of reach of its page's clipping.
      const top = el.closest("dialog");
      for (let a = el.parentElement; a && a !== document.body && a !== top; a = a.parentElement) {
        const o = getComputedStyle(a);
        const box = a.getBoundingClientRect();
        const clipsX = o.overflowX !== "visible";
        const clipsY = o.overflowY !== "visible";
        if (clipsX && (r.left - reach < box.left - 0.5 || r.right + reach > box.right + 0.5)) {
          problems.push(`ring clipped sideways by ${a.tagName.toLowerCase()}.${a.className}`);
        }
        if (clipsY && (r.top - reach < box.top - 0.5 || r.bottom + reach > box.bottom + 0.5)) {
          problems.push(`ring clipped by ${a.tagName.toLowerCase()}.${a.className}`);
        }
      }
    }
    return { what, problems };
  });

/**
 * Tabs through the page (or the open dialog) until the focus comes back to where it started,
 * checking every stop with `focusProblems`. Leaving the page for the browser's own controls
 * counts as one stop. Returns the stops in order.
 */
export async function tabAround(page, { limit = 80 } = {}) {
  const stops = [];
  const bad = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    const { what, problems } = await focusProblems(page);
    if (stops.length > 0 && what === stops[0]) return stops;
    stops.push(what);
    if (problems.length > 0) bad.push(`${what}: ${problems.join(", ")}`);
    assert.deepEqual(bad, [], `focus problems after ${stops.join(" → ")}`);
  }
  assert.fail(`Tab did not come round in ${limit} presses: ${stops.join(" → ")}`);
}
