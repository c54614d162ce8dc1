// Layout checks for enlarged text: nothing cut off, and no text drawn over other text.
import assert from "node:assert/strict";
import { assertNoHorizontalOverflow } from "./page.mjs";

/** Runs in the page: boxes that scroll sideways (a table wider than its pane). */
function sidewaysPanesInPage() {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.matches("input, textarea, select")) continue;
    const x = getComputedStyle(el).overflowX;
    if ((x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      const what = el.dataset.testid ?? `${el.tagName.toLowerCase()}.${el.className}`;
      out.push(`${what} ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  return out;
}

/** Runs in the page: text that an overflow: hidden/clip box cuts off. */
function clippedTextInPage() {
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const s = getComputedStyle(el);
    const clips = [s.overflowX, s.overflowY].some((o) => o === "hidden" || o === "clip");
    if (!clips || s.visibility !== "visible" || el.closest("[hidden], dialog:not([open])"))
      continue;
    const text = el.innerText?.trim();
    if (!text || el.clientWidth <= 1 || el.clientHeight <= 1) continue; // visually hidden
    const wide = el.scrollWidth > el.clientWidth + 1;
    const tall = el.scrollHeight > el.clientHeight + 1;
    if (!wide && !tall) continue;
    // Truncated on purpose: an ellipsis on one line, with the whole text in its title.
    if (!tall && s.textOverflow === "ellipsis" && el.title?.trim() === text) continue;
    const what = el.dataset.testid ?? `${el.tagName.toLowerCase()}.${el.className}`;
    out.push(
      `${what} "${text.slice(0, 40)}": ${el.scrollWidth}x${el.scrollHeight} in ` +
        `${el.clientWidth}x${el.clientHeight}`,
    );
  }
  return out;
}

/**
 * Runs in the page: pairs of elements whose own text overlaps by more than 1 px. Only what is
 * on show counts: text inside the topmost open modal dialog when there is one, cut to the panes
 * that scroll it, and not hidden under something else (a sticky bar).
 */
function overlappingTextInPage() {
  const dialogs = [...document.querySelectorAll("dialog[open]")];
  const scope = dialogs.at(-1) ?? document.body;
  const viewport = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  const cut = (a, b) => ({
    left: Math.max(a.left, b.left),
    top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right),
    bottom: Math.min(a.bottom, b.bottom),
  });
  const visibleArea = (el) => {
    let area = viewport;
    for (let n = el.parentElement; n && n !== document.documentElement; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.overflowX !== "visible" || s.overflowY !== "visible")
        area = cut(area, n.getBoundingClientRect());
    }
    return area;
  };
  /**
   * Text under a sticky or fixed bar (rows scrolled beneath a table's headings, the form under
   * Settings' save bar) is hidden, not overlapped; text under anything else counts.
   */
  const hidden = (el, r) => {
    const top = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    if (!top) return true;
    for (let n = top; n && !n.contains(el); n = n.parentElement) {
      if (["sticky", "fixed"].includes(getComputedStyle(n).position)) return true;
    }
    return false;
  };
  const items = [];
  for (const el of scope.querySelectorAll("*")) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own.length || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true }))
      continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue; // visually hidden
    const area = visibleArea(el);
    const rects = [];
    for (const node of own) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        const c = cut(r, area);
        if (c.right - c.left <= 1 || c.bottom - c.top <= 1) continue;
        if (!hidden(el, c)) rects.push(c);
      }
    }
    if (rects.length) items.push({ el, rects });
  }
  const out = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const [a, b] = [items[i], items[j]];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const hit = a.rects.some((ra) =>
        b.rects.some((rb) => {
          const c = cut(ra, rb);
          return c.right - c.left > 1 && c.bottom - c.top > 1;
        }),
      );
      if (hit) {
        const name = (el) => el.dataset.testid ?? `${el.tagName.toLowerCase()}.${el.className}`;
        const words = (el) => el.textContent.trim().slice(0, 30);
        out.push(`${name(a.el)} "${words(a.el)}" overlaps ${name(b.el)} "${words(b.el)}"`);
      }
    }
  }
  return out;
}

export async function assertNoSidewaysPane(page, what) {
  assert.deepEqual(
    await page.evaluate(sidewaysPanesInPage),
    [],
    `a pane of ${what} scrolls sideways`,
  );
}

export async function assertNoClippedText(page, what) {
  assert.deepEqual(await page.evaluate(clippedTextInPage), [], `${what} cuts text off`);
}

export async function assertNoTextOverlap(page, what) {
  assert.deepEqual(await page.evaluate(overlappingTextInPage), [], `${what} draws text over text`);
}

/**
 * No sideways scrolling of the page or any pane, no clipped text and no overlapping text on
 * the page as it stands.
 */
export async function assertReadableLayout(page, what) {
  await page.evaluate(() => document.fonts.ready);
  await assertNoHorizontalOverflow(page, what);
  await assertNoSidewaysPane(page, what);
  await assertNoClippedText(page, what);
  await assertNoTextOverlap(page, what);
}
