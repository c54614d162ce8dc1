import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/** One card of the settings form, with its heading and what it is for. */
export function Section({
  title,
  description,
  children,
  testid,
}: {
  title: string;
  description?: ComponentChildren;
  children: ComponentChildren;
  testid?: string;
}) {
  const id = useId();
  return (
    <section class="card settings-section" aria-labelledby={id} data-testid={testid}>
      <div class="settings-section-head">
        <h2 class="card-title" id={id}>
          {title}
        </h2>
        {description ? <p class="muted">{description}</p> : null}
      </div>
      <div class="settings-section-body">{children}</div>
    </section>
  );
}
