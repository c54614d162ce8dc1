import type { ComponentChildren } from "preact";
import type { Tone } from "../format";
import { Icon } from "./Icon";
import type { IconName } from "./iconShapes";

/** A non-error message announced politely (role=status); `icon` replaces the tone's mark. */
export function Notice({
  tone = "info",
  testid,
  children,
  live = true,
  icon,
}: {
  tone?: Tone;
  testid?: string;
  children: ComponentChildren;
  live?: boolean;
  icon?: IconName;
}) {
  return (
    <div class={`alert alert-${tone}`} role={live ? "status" : undefined} data-testid={testid}>
      {icon ? (
        <Icon name={icon} class="alert-icon" />
      ) : (
        <span class="alert-mark" aria-hidden="true" />
      )}
      <div class="alert-body">{children}</div>
    </div>
  );
}
