import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** How far below the visible part the end of the list may be when the next page is fetched. */
const AHEAD_PX = 600;

/** The nearest ancestor that scrolls vertically, or null for the page itself. */
function scrollParent(el: HTMLElement): HTMLElement | null {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const { overflowY } = getComputedStyle(p);
    if (overflowY === "auto" || overflowY === "scroll") return p;
  }
  return null;
}

/**
 * Calls `onNear` when `marker` (placed after the last row) scrolls to within a screenful of
 * view. Watching again after each page means a page too short to fill the view is followed
 * by the next at once.
 */
export function useNearEnd(
  marker: RefObject<HTMLElement | null>,
  enabled: boolean,
  rowCount: number,
  onNear: () => void,
) {
  const latest = useRef(onNear);
  latest.current = onNear;
  useEffect(() => {
    const el = marker.current;
    if (!enabled || !el) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) latest.current();
      },
      { root: scrollParent(el), rootMargin: `0px 0px ${AHEAD_PX}px 0px` },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [enabled, rowCount]);
}
