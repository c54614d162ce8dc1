import { useEffect, useRef } from "preact/hooks";

const CHECK_EVERY_MS = 1_000;
const ACTIVITY = ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"] as const;

/**
 * Calls `lock` after `minutes` without keyboard, pointer or touch input while `active`, and
 * `report` at most every `reportSecs` (the back end's allowance) while there is some. The clock is read on each
 * check, so time the window spent asleep or hidden counts.
 */
export function useIdleLock(
  minutes: number,
  reportSecs: number,
  active: boolean,
  lock: () => void,
  report: () => void,
) {
  const latest = useRef({ lock, report });
  latest.current = { lock, report };
  // Idle time counts from the first render, not from when the effect below first runs: effects
  // run after paint, and time that passes before then (a sleeping laptop) is idle time too.
  const last = useRef(Date.now());
  const wasActive = useRef(active);
  useEffect(() => {
    if (!active) {
      wasActive.current = false;
      return;
    }
    // Unlocked, or signed in again: the idle time starts over.
    if (!wasActive.current) last.current = Date.now();
    wasActive.current = true;
    let reported = last.current;
    const seen = () => {
      last.current = Date.now();
      if (last.current - reported >= reportSecs * 1000) {
        reported = last.current;
        latest.current.report();
      }
    };
    const check = () => {
      if (Date.now() - last.current >= minutes * 60_000) latest.current.lock();
    };
    for (const type of ACTIVITY)
      window.addEventListener(type, seen, { capture: true, passive: true });
    const timer = window.setInterval(check, CHECK_EVERY_MS);
    return () => {
      for (const type of ACTIVITY) window.removeEventListener(type, seen, { capture: true });
      window.clearInterval(timer);
    };
  }, [minutes, reportSecs, active]);
}
