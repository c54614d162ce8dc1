// The back end's words, from the fixture a Rust test checks against the real back end.
import fixture from "../fixtures/messages.json";
import type { Bounds, CommandError, ErrorCode, SettingsLimits } from "../../src/bindings";

// The Clients and the newer Settings words sit apart until the Rust IPC test checks them too
// (it checks `messages`).
const words = {
  ...fixture.messages,
  ...fixture.clientMessages,
  ...fixture.settingsMessages,
  ...fixture.databaseMessages,
  ...fixture.moveMessages,
  ...fixture.offlineMessages,
  ...fixture.keysMessages,
};
export type MessageKey = keyof typeof words;

type Values = Record<string, string | number>;

/** Fills a `{placeholder}` template; a missing or unused value is a mistake in the mock. */
function fill(name: string, template: string, values: Values): string {
  const used = new Set<string>();
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`message ${name} needs {${key}}`);
    used.add(key);
    return String(values[key]);
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`message ${name} has no {${unused.join("}, {")}}`);
  return text;
}

export function say(key: MessageKey, values: Values = {}): string {
  return fill(key, words[key], values);
}

/** A role as the back end's `Role::label` names it. */
export { roleLabels } from "../../src/format";

/** An address as the back end's `validate::mask_email` writes it: first character, domain. */
export const maskEmail = (email: string) =>
  `${email[0]}•••@${email.slice(email.lastIndexOf("@") + 1)}`;

export const settingsLimits: SettingsLimits = fixture.settingsLimits;
export const passwordPolicy = fixture.passwordPolicy;

export const inBounds = (value: number, b: Bounds) =>
  Number.isInteger(value) && value >= b.min && value <= b.max;

/** Refuses the command the way the back end does: a CommandError as the rejection. */
export function fail(
  code: ErrorCode,
  message: string,
  {
    field = null,
    retryAfterSecs = null,
  }: { field?: string | null; retryAfterSecs?: number | null } = {},
): never {
  const error: CommandError = { code, message, field, retryAfterSecs };
  throw error;
}
