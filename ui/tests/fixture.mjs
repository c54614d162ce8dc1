// The back end's words and limits, as the mock clinic answers with them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const FIXTURE = JSON.parse(readFileSync(join(here, "fixtures", "messages.json"), "utf8"));
export const MESSAGES = {
  ...FIXTURE.messages,
  ...FIXTURE.clientMessages,
  ...FIXTURE.settingsMessages,
  ...FIXTURE.databaseMessages,
  ...FIXTURE.moveMessages,
  ...FIXTURE.offlineMessages,
  ...FIXTURE.keysMessages,
};
export const SETTINGS_LIMITS = FIXTURE.settingsLimits;
export const PASSWORD_POLICY = FIXTURE.passwordPolicy;
export const FORGOT_MESSAGE = MESSAGES.forgotAnswer;
/** What forgot-password answers while the clinic's mail only reaches the preview outbox. */
export const FORGOT_MESSAGE_NO_MAIL = MESSAGES.forgotAnswerNoMail;

/** A fixture message with its `{placeholders}` filled in. */
export function message(key, values = {}) {
  return MESSAGES[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));
}
