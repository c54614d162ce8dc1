import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/** What a control needs from its frame: its id, and where its hint and error are. */
export type FieldWiring = {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
};

/** A label, a control, an optional hint and a field error, tied together for screen readers. */
export function FieldFrame({
  label,
  hint,
  error,
  class: cls,
  children,
}: {
  label: string;
  hint?: ComponentChildren;
  error?: string | null;
  class?: string;
  children: (wiring: FieldWiring) => ComponentChildren;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(" ");
  return (
    <div class={cls ? `field ${cls}` : "field"}>
      <label for={id}>{label}</label>
      {children({
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy || undefined,
      })}
      {hint ? (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={errId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
