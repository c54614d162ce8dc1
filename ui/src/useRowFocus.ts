import type { RefObject, TargetedKeyboardEvent } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** The focus is this many rows from the end of what is loaded: time to fetch the next page. */
const PREFETCH_ROWS = 20;
const PAGE_STEP = 10;

/** The controls of a row the keys move between: its button, and its checkbox when it has one. */
const ROW_CONTROLS = ["row-open", "row-select"];

const NOTHING_MORE = () => Promise.resolve(false);

/**
 * Roving focus over a table's rows (the Clients and Staff lists), each holding one `.row-open`
 * button (and maybe a `.row-select` checkbox): the list is one Tab stop, and
 * ArrowUp/ArrowDown, PageUp/PageDown, Home/End move to the same control of another row.
 * ArrowDown in the list's search box goes to the row last visited. For a list loaded in pages,
 * focus near the end fetches the next page, and ArrowDown on the last row waits for it, so the
 * keyboard reaches every row without a mouse.
 */
export function useRowFocus(
  table: RefObject<HTMLElement | null>,
  count: number,
  hasMore = false,
  loadMore: () => Promise<boolean> = NOTHING_MORE,
) {
  const [active, setActive] = useState(0);
  // A row to focus once the page holding it has arrived.
  const pending = useRef<number | null>(null);

  // Which control of the row the keys move: the one that last had the focus.
  const control = useRef("row-open");

  const focusRow = useCallback(
    (i: number, kind?: "row-open" | "row-select") => {
      if (kind) control.current = kind;
      const body = table.current?.querySelector("tbody");
      body?.children[i]?.querySelector<HTMLElement>(`.${control.current}`)?.focus();
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
    if (!(target instanceof HTMLElement)) return null;
    const kind = ROW_CONTROLS.find((c) => target.classList.contains(c));
    if (!kind) return null;
    control.current = kind;
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

  /** For the list's search box: ArrowDown goes to the list. */
  const onSearchKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "ArrowDown" || count === 0) return;
    e.preventDefault();
    focusRow(Math.min(active, count - 1), "row-open");
  };

  const reset = useCallback(() => {
    pending.current = null;
    setActive(0);
  }, []);

  return { active, onKeyDown, onFocusIn, onSearchKeyDown, focusRow, loadMoreAndFocus, reset };
}
