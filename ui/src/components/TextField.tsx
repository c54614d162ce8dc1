import { useFocusOnMount } from "../hooks";
import { FieldFrame } from "./FieldFrame";
import { inputAttributes, type FieldProps } from "./fieldProps";
import { Input } from "./Input";

/** A labelled input with optional hint and field error. */
export function TextField(p: FieldProps) {
  const ref = useFocusOnMount(p.inputRef, p.autoFocus);
  return (
    <FieldFrame label={p.label} hint={p.hint} error={p.error} class={p.class}>
      {(wiring) => (
        <Input
          {...inputAttributes(p, wiring, ref)}
          class={p.inputClass}
          type={p.type ?? "text"}
          inputMode={p.inputMode}
          min={p.min}
          max={p.max}
          spellcheck={p.spellcheck ?? false}
        />
      )}
    </FieldFrame>
  );
}
