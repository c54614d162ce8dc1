import { useEffect, useState } from "preact/hooks";
import { commands, type AppInfo, type SessionInfo } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { PasswordField } from "../../components/PasswordField";
import { ScreenHeading } from "../../components/ScreenHeading";
import { formatDuration, secondsUntil } from "../../format";
import { useNow, useTextInput } from "../../hooks";
import type { AppNotice } from "../../notices";
import { useCommand } from "../../useCommand";
import { LeaveDemo } from "../setup/LeaveDemo";
import { AuthLayout } from "./AuthLayout";
import { promptForEmpty } from "./emptyField";
import { NO_USERNAME, UsernameField, useUsername } from "./UsernameField";
import { BusyButton } from "../../components/BusyButton";

const NO_PASSWORD = "Enter your password.";
const PASSWORD = {
  label: "Password",
  testid: "login-password",
  name: "password",
  autoComplete: "current-password",
};

export function Login({
  info,
  notice,
  initialUsername,
  onSignedIn,
  onForgot,
  onCode,
  onLeftDemo,
}: {
  info: AppInfo | null;
  notice: AppNotice | null;
  initialUsername: string;
  onSignedIn: (session: SessionInfo) => void;
  onForgot: (username: string) => void;
  onCode: (username: string) => void;
  /** Back from the demo clinic to the clinic's own database. */
  onLeftDemo: (info: AppInfo) => void;
}) {
  const username = useUsername(initialUsername);
  const password = useTextInput();
  const [missing, setMissing] = useState<string | null>(null);
  const signIn = useCommand();
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const now = useNow(retryAt !== null);
  const waitSecs = retryAt !== null ? secondsUntil(retryAt, now) : 0;

  useEffect(() => {
    if (retryAt !== null && waitSecs === 0) {
      setRetryAt(null);
      signIn.clear();
    }
  }, [retryAt, waitSecs]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (signIn.busy || waitSecs > 0) return;
    const user = username.value.trim();
    const prompt = promptForEmpty(
      [user, NO_USERNAME, username.inputRef],
      [password.value, NO_PASSWORD, password.inputRef],
    );
    setMissing(prompt);
    if (prompt) return;
    const result = await signIn.run(commands.login(user, password.value));
    if (!result) return;
    if (result.status === "ok") {
      onSignedIn(result.data);
      return;
    }
    password.onInput("");
    if (result.error.code === "throttled" && result.error.retryAfterSecs) {
      setRetryAt(Date.now() + result.error.retryAfterSecs * 1000);
    }
    (result.error.field === "username" ? username.inputRef : password.inputRef).current?.focus();
  };

  return (
    <AuthLayout info={info}>
      <ScreenHeading>Sign in</ScreenHeading>
      {info?.demo ? <LeaveDemo onLeft={onLeftDemo} /> : null}
      {notice ? (
        <Notice
          tone={notice.tone ?? (notice.testid === "reset-done" ? "success" : "info")}
          testid={notice.testid}
        >
          <p>{notice.text}</p>
          {notice.items ? (
            <ul class="notice-list" aria-label={notice.listLabel}>
              {notice.items.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          ) : null}
        </Notice>
      ) : null}
      <form class="stack" onSubmit={submit} noValidate>
        <UsernameField {...username} testid="login-username" />
        <PasswordField {...PASSWORD} {...password} autoFocus={!username.autoFocus} />
        <div class="message-slot">
          <ErrorAlert error={missing ?? signIn.error}>
            {waitSecs > 0 ? (
              <p class="countdown" data-testid="retry-countdown">
                You can try again in {formatDuration(waitSecs)}.
              </p>
            ) : null}
          </ErrorAlert>
        </div>
        <BusyButton
          class="button button-primary button-block"
          testid="login-submit"
          busy={signIn.busy}
          busyLabel="Signing in…"
          disabled={waitSecs > 0}
        >
          Sign in
        </BusyButton>
      </form>
      <div class="auth-links">
        <button
          type="button"
          class="link-button"
          data-testid="forgot-link"
          onClick={() => onForgot(username.value.trim())}
        >
          Forgot password?
        </button>
        <button
          type="button"
          class="link-button"
          data-testid="code-link"
          onClick={() => onCode(username.value.trim())}
        >
          I have a reset code
        </button>
      </div>
    </AuthLayout>
  );
}
