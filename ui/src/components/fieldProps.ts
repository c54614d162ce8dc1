import type { ComponentChildren, RefObject, TargetedEvent } from "preact";
import type { FieldWiring } from "./FieldFrame";

/** What TextField and PasswordField take. */
export type FieldProps = {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: "text" | "email" | "password" | "number" | "url" | "tel" | "search";
  testid?: string;
  hint?: ComponentChildren;
  error?: string | null;
  autoComplete?: string;
  placeholder?: string;
  required?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  inputMode?: "text" | "numeric" | "email" | "url" | "search" | "tel";
  min?: number;
  max?: number;
  spellcheck?: boolean;
  class?: string;
  inputClass?: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  name?: string;
};

/** The <input> attributes every field takes from its props and its frame. */
export function inputAttributes(
  p: FieldProps,
  wiring: FieldWiring,
  ref: RefObject<HTMLInputElement | null>,
) {
  return {
    ...wiring,
    ref,
    name: p.name,
    value: p.value,
    onInput: (e: TargetedEvent<HTMLInputElement>) => p.onInput(e.currentTarget.value),
    "data-testid": p.testid,
    autoComplete: p.autoComplete ?? "off",
    placeholder: p.placeholder,
    required: p.required,
    disabled: p.disabled,
  };
}
