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
  useEffect(() => {
    if (!active) return;
    let last = Date.now();
    let reported = last;
    const seen = () => {
      last = Date.now();
      if (last - reported >= reportSecs * 1000) {
        reported = last;
        latest.current.report();
      }
    };
    const check = () => {
      if (Date.now() - last >= minutes * 60_000) latest.current.lock();
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
