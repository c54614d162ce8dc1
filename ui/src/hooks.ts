import type { RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

/**
 * Current time, re-rendering every `intervalMs` while `active`. Never older than the
 * render itself, so a countdown that starts mid-interval is right from its first frame.
 */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [tick, setNow] = useState(() => Date.now());
  const now = Math.max(tick, Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [active, intervalMs]);
  return now;
}

/** `value`, once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(id);
  }, [value, delayMs]);
  return settled;
}

/**
 * Runs `task` every `intervalMs` while `active`, never overlapping two runs.
 * The latest `task` is always used, so it may close over fresh state.
 */
export function usePolling(task: () => Promise<unknown>, intervalMs: number, active: boolean) {
  const latest = useRef(task);
  latest.current = task;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer = 0;
    const tick = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = window.setTimeout(tick, intervalMs);
      }
    };
    timer = window.setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [intervalMs, active]);
}

/** A text input's value, and its element for a form that moves the focus to it. */
export function useTextInput(initial = "") {
  const [value, onInput] = useState(initial);
  const inputRef = useRef<HTMLInputElement>(null);
  return { value, onInput, inputRef };
}

/** Tracks whether the component is still mounted, for async results. */
export function useMounted(): { current: boolean } {
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  return mounted;
}

/**
 * The autofocus attribute only works once per page, and each screen here is rendered into
 * the same page, so focus is moved explicitly when a field asks for it.
 */
export function useFocusOnMount(
  given: RefObject<HTMLInputElement | null> | undefined,
  focus: boolean | undefined,
): RefObject<HTMLInputElement | null> {
  const own = useRef<HTMLInputElement>(null);
  const ref = given ?? own;
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, []);
  return ref;
}
