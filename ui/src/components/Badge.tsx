import type { ComponentChildren } from "preact";
import type { Tone } from "../format";

export function Badge({
  tone = "neutral",
  children,
  testid,
}: {
  tone?: Tone;
  children: ComponentChildren;
  testid?: string;
}) {
  return (
    <span class={`badge badge-${tone}`} data-testid={testid}>
      {children}
    </span>
  );
}
