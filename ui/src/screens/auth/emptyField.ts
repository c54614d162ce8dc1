import type { RefObject } from "preact";

/** A field's value, what to say when it is empty, and the input to focus then. */
type Required = [value: string, prompt: string, ref: RefObject<HTMLInputElement | null>];

/**
 * The prompt for the first field left empty, with focus moved to it; null when all are
 * filled. Nothing is sent for a form that is not filled in yet.
 */
export function promptForEmpty(...fields: Required[]): string | null {
  const empty = fields.find(([value]) => !value);
  if (!empty) return null;
  empty[2].current?.focus();
  return empty[1];
}
