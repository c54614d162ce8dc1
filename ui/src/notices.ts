/** A message the app shows on the next screen, after something ended or succeeded elsewhere. */
export type AppNotice = {
  text: string;
  testid: string;
  /** Success or information; by default success only for a changed password. */
  tone?: "success" | "info";
  /** A list under the text (what moved to the server), named by `listLabel`. */
  items?: string[];
  listLabel?: string;
};

export const PASSWORD_CHANGED: AppNotice = {
  text: "Your password was changed. Sign in with your new password.",
  testid: "reset-done",
};

export const PASSWORD_CHANGED_ELSEWHERE: AppNotice = {
  text: "The password was changed. It can be used at the next sign-in.",
  testid: "reset-done",
};

export const OWN_PASSWORD_CHANGED: AppNotice = {
  text: "Your password was changed. Your other sessions were signed out.",
  testid: "password-changed",
};

export const SESSION_ENDED: AppNotice = {
  text: "Your session has ended. Sign in again to continue.",
  testid: "session-ended",
};
