import type { ComponentChildren } from "preact";
import type { Tone } from "../format";

/** A non-error message announced politely (role=status). */
export function Notice({
  tone = "info",
  testid,
  children,
  live = true,
}: {
  tone?: Tone;
  testid?: string;
  children: ComponentChildren;
  live?: boolean;
}) {
  return (
    <div class={`alert alert-${tone}`} role={live ? "status" : undefined} data-testid={testid}>
      <span class="alert-mark" aria-hidden="true" />
      <div class="alert-body">{children}</div>
    </div>
  );
}
