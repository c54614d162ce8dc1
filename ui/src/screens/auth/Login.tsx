import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../../api";
import { commands, type AppInfo, type CommandError, type SessionInfo } from "../../bindings";
import { ErrorAlert, Notice, PasswordField, ScreenHeading, TextField } from "../../components/ui";
import { formatDuration, secondsUntil } from "../../format";
import { useNow } from "../../hooks";
import type { AppNotice } from "../../app";
import { AuthLayout } from "./AuthLayout";

export function Login({
  info,
  notice,
  initialUsername,
  onSignedIn,
  onForgot,
  onCode,
}: {
  info: AppInfo | null;
  notice: AppNotice | null;
  initialUsername: string;
  onSignedIn: (session: SessionInfo) => void;
  onForgot: (username: string) => void;
  onCode: (username: string) => void;
}) {
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | string | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const now = useNow(retryAt !== null);
  const waitSecs = retryAt !== null ? secondsUntil(retryAt, now) : 0;
  const passwordRef = useRef<HTMLInputElement>(null);
  const usernameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (retryAt !== null && waitSecs === 0) {
      setRetryAt(null);
      setError(null);
    }
  }, [retryAt, waitSecs]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy || waitSecs > 0) return;
    if (!username.trim() || !password) {
      setError(!username.trim() ? "Enter your username." : "Enter your password.");
      (!username.trim() ? usernameRef : passwordRef).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(commands.login(username.trim(), password));
    setBusy(false);
    if (result.status === "ok") {
      onSignedIn(result.data);
      return;
    }
    setError(result.error);
    setPassword("");
    if (result.error.code === "throttled" && result.error.retryAfterSecs) {
      setRetryAt(Date.now() + result.error.retryAfterSecs * 1000);
    }
    passwordRef.current?.focus();
  };

  return (
    <AuthLayout info={info}>
      <ScreenHeading>Sign in</ScreenHeading>
      {notice ? (
        <Notice tone={notice.testid === "reset-done" ? "success" : "info"} testid={notice.testid}>
          <p>{notice.text}</p>
        </Notice>
      ) : null}
      <form class="stack" onSubmit={submit} noValidate>
        <TextField
          label="Username"
          value={username}
          onInput={setUsername}
          testid="login-username"
          autoComplete="username"
          autoFocus={!initialUsername}
          inputRef={usernameRef}
          name="username"
        />
        <PasswordField
          label="Password"
          value={password}
          onInput={setPassword}
          testid="login-password"
          autoComplete="current-password"
          autoFocus={!!initialUsername}
          inputRef={passwordRef}
          name="password"
        />
        <div class="message-slot">
          <ErrorAlert error={error}>
            {waitSecs > 0 ? (
              <p class="countdown" data-testid="retry-countdown">
                You can try again in {formatDuration(waitSecs)}.
              </p>
            ) : null}
          </ErrorAlert>
        </div>
        <button
          type="submit"
          class="button button-primary button-block"
          data-testid="login-submit"
          disabled={busy || waitSecs > 0}
          aria-busy={busy}
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <div class="auth-links">
        <button
          type="button"
          class="link-button"
          data-testid="forgot-link"
          onClick={() => onForgot(username.trim())}
        >
          Forgot password?
        </button>
        <button
          type="button"
          class="link-button"
          data-testid="code-link"
          onClick={() => onCode(username.trim())}
        >
          I have a reset code
        </button>
      </div>
    </AuthLayout>
  );
}
