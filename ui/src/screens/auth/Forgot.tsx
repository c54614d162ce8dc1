import { useRef, useState } from "preact/hooks";
import { call } from "../../api";
import { commands, type AppInfo, type CommandError } from "../../bindings";
import { ErrorAlert, Notice, ScreenHeading, TextField } from "../../components/ui";
import { AuthLayout } from "./AuthLayout";

export function Forgot({
  info,
  initialIdentifier,
  onBack,
  onCode,
}: {
  info: AppInfo | null;
  initialIdentifier: string;
  onBack: () => void;
  onCode: () => void;
}) {
  const [identifier, setIdentifier] = useState(initialIdentifier);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | string | null>(null);
  const [answer, setAnswer] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const value = identifier.trim();
    if (!value) {
      setError("Enter your username or the email address the clinic has on file for you.");
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call(commands.forgotPassword(value));
    setBusy(false);
    if (result.status === "ok") setAnswer(result.data.message);
    else setError(result.error);
  };

  return (
    <AuthLayout info={info}>
      <ScreenHeading>Forgot your password?</ScreenHeading>
      {answer === null ? (
        <form class="stack" onSubmit={submit} noValidate>
          <p class="lead">
            Enter your username or email. If it matches an account, we'll email a reset link to the
            address the clinic has on file.
          </p>
          <TextField
            label="Username or email"
            value={identifier}
            onInput={setIdentifier}
            testid="forgot-identifier"
            autoComplete="username"
            autoFocus
            inputRef={inputRef}
            name="identifier"
          />
          <div class="message-slot">
            <ErrorAlert error={error} />
          </div>
          <button
            type="submit"
            class="button button-primary button-block"
            data-testid="forgot-submit"
            disabled={busy}
            aria-busy={busy}
          >
            {busy ? "Sending…" : "Send reset link"}
          </button>
        </form>
      ) : (
        <div class="stack">
          <Notice tone="success" testid="forgot-message">
            <p>{answer}</p>
          </Notice>
          <p class="muted">
            The link works once and expires after a while. No email? Ask your office manager for a
            one-time code.
          </p>
          <button type="button" class="button button-secondary button-block" onClick={onCode}>
            I have a reset code
          </button>
        </div>
      )}
      <div class="auth-links">
        <button type="button" class="link-button" data-testid="back-to-login" onClick={onBack}>
          ← Back to sign in
        </button>
      </div>
    </AuthLayout>
  );
}
