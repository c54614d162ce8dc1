import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/** Headings that receive focus when a screen opens, so screen readers announce it. */
export function ScreenHeading({ children, id }: { children: ComponentChildren; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return (
    <h1 class="screen-title" tabIndex={-1} ref={ref} id={id}>
      {children}
    </h1>
  );
}
