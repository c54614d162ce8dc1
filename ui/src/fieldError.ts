import type { CommandError } from "./bindings";

/** The message to show under `field` when the back end named that field as the cause. */
export function errorFor(error: CommandError | null, field: string): string | null {
  return error !== null && error.field === field ? error.message : null;
}

/** Moves focus to the control named `field` (its `name` attribute) inside `form`. */
export function focusField(form: HTMLFormElement | null, field: string | null): void {
  if (!form || !field) return;
  form.querySelector<HTMLElement>(`[name="${CSS.escape(field)}"]`)?.focus();
}
