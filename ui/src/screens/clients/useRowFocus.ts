import type { RefObject, TargetedKeyboardEvent } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** The focus is this many rows from the end of what is loaded: time to fetch the next page. */
const PREFETCH_ROWS = 20;
const PAGE_STEP = 10;

/**
 * Roving focus over a table's rows, each holding one `.row-open` button: ArrowUp/ArrowDown,
 * PageUp/PageDown, Home/End. Focus near the end fetches the next page, and ArrowDown on the
 * last row waits for it, so the keyboard reaches every client without a mouse.
 */
export function useRowFocus(
  table: RefObject<HTMLElement | null>,
  count: number,
  hasMore: boolean,
  loadMore: () => Promise<boolean>,
) {
  const [active, setActive] = useState(0);
  // A row to focus once the page holding it has arrived.
  const pending = useRef<number | null>(null);

  const focusRow = useCallback(
    (i: number) => {
      const body = table.current?.querySelector("tbody");
      body?.children[i]?.querySelector<HTMLButtonElement>(".row-open")?.focus();
      setActive(i);
    },
    [table],
  );

  useEffect(() => {
    if (pending.current !== null && pending.current < count) {
      focusRow(pending.current);
      pending.current = null;
    }
    if (active >= count) setActive(Math.max(0, count - 1));
  }, [count]);

  /** Loads the next page and moves the focus to its first row. */
  const loadMoreAndFocus = useCallback(() => {
    // Kept when a page is already on its way: that page is the one to land in.
    pending.current = count;
    void loadMore();
  }, [count, loadMore]);

  const rowOf = (target: EventTarget | null): number | null => {
    if (!(target instanceof HTMLElement) || !target.classList.contains("row-open")) return null;
    const index = target.closest("tr")?.dataset.index;
    return index === undefined ? null : Number(index);
  };

  const onKeyDown = (e: TargetedKeyboardEvent<HTMLElement>) => {
    const i = rowOf(e.target);
    if (i === null) return;
    const last = count - 1;
    const to: Record<string, number> = {
      ArrowDown: i + 1,
      ArrowUp: i - 1,
      PageDown: Math.min(last, i + PAGE_STEP),
      PageUp: Math.max(0, i - PAGE_STEP),
      Home: 0,
      End: last,
    };
    if (!(e.key in to)) return;
    e.preventDefault();
    const target = to[e.key];
    if (target > last) {
      if (hasMore) loadMoreAndFocus();
      return;
    }
    if (target >= 0) focusRow(target);
  };

  const onFocusIn = (e: FocusEvent) => {
    const i = rowOf(e.target);
    if (i === null) return;
    setActive(i);
    if (hasMore && i >= count - PREFETCH_ROWS) void loadMore();
  };

  const reset = useCallback(() => {
    pending.current = null;
    setActive(0);
  }, []);

  return { active, onKeyDown, onFocusIn, focusRow, loadMoreAndFocus, reset };
}
