import type { RefObject } from "preact";

/**
 * Closes a panel shown over or within a page (a confirmation, a list of queued actions) and
 * gives the focus back to the control that opened it.
 */
export function closeTo(opener: RefObject<HTMLElement | null>, close: () => void) {
  close();
  opener.current?.focus();
}

/** A keydown handler for such a panel: Escape closes it, as it closes a dialog. */
export function escapeCloses(opener: RefObject<HTMLElement | null>, close: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    e.stopPropagation();
    closeTo(opener, close);
  };
}
