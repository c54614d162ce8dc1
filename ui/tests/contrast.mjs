// What axe-core does not measure: the boundary of each form field against what surrounds it
// (WCAG 1.4.11, 3:1) and its placeholder text against the field (1.4.3, 4.5:1).

/**
 * Runs in the page. With no `selector`: one line per visible, enabled field that falls short.
 * With a `selector`: the contrast of that element's text against the backgrounds of its
 * ancestors, with the ratio it needs; null when another element covers its middle or an image
 * or gradient lies under it.
 */
function contrastInPage(selector) {
  const parse = (css) => {
    const m = /^rgba?\(([^)]+)\)$/.exec(css) ?? /^color\(srgb ([^)]+)\)$/.exec(css);
    if (!m) throw new Error(`unreadable colour: ${css}`);
    const parts = m[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    const scale = css.startsWith("color(") ? 255 : 1;
    return { r: parts[0] * scale, g: parts[1] * scale, b: parts[2] * scale, a: parts[3] ?? 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const luminance = ({ r, g, b }) => {
    const lin = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  /** The colour painted behind `el`: its ancestors' backgrounds, composited down to white. */
  const backdrop = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    return layers.reduceRight((under, top) => over(top, under), { r: 255, g: 255, b: 255, a: 1 });
  };
  const name = (el) =>
    el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : el.id ? `#${el.id}` : el.tagName;

  if (selector) {
    const el = document.querySelector(selector);
    if (!el) return null;
    for (let n = el; n; n = n.parentElement) {
      if (getComputedStyle(n).backgroundImage !== "none") return null;
      if (parse(getComputedStyle(n).backgroundColor).a >= 1) break;
    }
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    if (!top || !(el.contains(top) || top.contains(el))) return null;
    const s = getComputedStyle(el);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const bg = backdrop(el);
    return { ratio: ratio(over(parse(s.color), bg), bg), needed: large ? 3 : 4.5 };
  }

  const out = [];
  const fields = document.querySelectorAll(
    "input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea",
  );
  for (const el of fields) {
    if (el.disabled || el.closest("[inert]")) continue;
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2 || getComputedStyle(el).visibility !== "visible") continue;
    const s = getComputedStyle(el);
    const outside = el.parentElement
      ? backdrop(el.parentElement)
      : { r: 255, g: 255, b: 255, a: 1 };
    const inside = backdrop(el);
    const sides = ["Top", "Right", "Bottom", "Left"].filter(
      (side) => parseFloat(s[`border${side}Width`]) >= 1 && s[`border${side}Style`] !== "none",
    );
    const borderBest = Math.max(
      0,
      ...sides.map((side) => ratio(over(parse(s[`border${side}Color`]), outside), outside)),
    );
    const fill = ratio(inside, outside);
    if (Math.max(borderBest, fill) < 3) {
      out.push(
        `${name(el)}: boundary ${borderBest.toFixed(2)}:1, fill ${fill.toFixed(2)}:1 (needs 3:1)`,
      );
    }
    if (el.placeholder && !el.value) {
      const ph = ratio(over(parse(getComputedStyle(el, "::placeholder").color), inside), inside);
      if (ph < 4.5) out.push(`${name(el)}: placeholder ${ph.toFixed(2)}:1 (needs 4.5:1)`);
    }
  }
  return out;
}

/** Form fields on the page whose boundary or placeholder does not stand out enough. */
export const fieldContrastProblems = (page) => page.evaluate(contrastInPage, null);

/** The contrast of an element's text where axe could not tell what lies under it. */
export const ownTextContrast = (page, selector) => page.evaluate(contrastInPage, selector);
