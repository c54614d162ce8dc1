import { useEffect } from "preact/hooks";

/** Where the focus can go when its element has gone: the topmost open dialog, or the page. */
function landingPlace(): HTMLElement | null {
  const dialogs = [...document.querySelectorAll<HTMLDialogElement>("dialog[open]")];
  const within: ParentNode = dialogs.at(-1) ?? document;
  const heading = within.querySelector<HTMLElement>(".modal-title, .screen-title");
  // Focusable from script only, as screen titles are, and out of the Tab order.
  if (heading && !heading.hasAttribute("tabindex")) heading.tabIndex = -1;
  return (
    heading ?? within.querySelector<HTMLElement>("input:not([disabled]), button:not([disabled])")
  );
}

/** The element can no longer hold the focus: removed, disabled or out of sight. */
function lost(el: HTMLElement): boolean {
  return (
    !el.isConnected ||
    (el as HTMLButtonElement).disabled === true ||
    el.getClientRects().length === 0
  );
}

/**
 * Keeps the keyboard's place: when the focused control is removed or disabled (a form that
 * gives way to its answer, a button busy or waiting), the browser drops the focus to the
 * page's body, and the next Tab starts over from the top. The focus goes instead to the
 * heading of the dialog or screen it was in, where a screen reader announces it.
 */
export function useFocusRescue() {
  useEffect(() => {
    let last: HTMLElement | null = null;
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof HTMLElement) last = e.target;
    };
    // A disabled control loses the focus when the page next lays out, after the mutation.
    const onFocusOut = (e: FocusEvent) => {
      if (e.relatedTarget === null) window.setTimeout(check, 0);
    };
    function check() {
      if (!last || document.activeElement !== document.body || !lost(last)) return;
      last = null;
      landingPlace()?.focus({ preventScroll: true });
    }
    const observer = new MutationObserver(check);
    document.addEventListener("focusin", onFocusIn);
    document.addEventListener("focusout", onFocusOut);
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["disabled", "hidden", "open"],
    });
    return () => {
      document.removeEventListener("focusin", onFocusIn);
      document.removeEventListener("focusout", onFocusOut);
      observer.disconnect();
    };
  }, []);
}
