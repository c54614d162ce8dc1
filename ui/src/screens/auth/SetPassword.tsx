import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../../api";
import {
  commands,
  type AppInfo,
  type CommandError,
  type PasswordPolicyInfo,
  type ResetSecret,
  type ResetTarget,
} from "../../bindings";
import { ErrorAlert, PasswordField, ScreenHeading, Spinner } from "../../components/ui";
import { formatWhen } from "../../format";
import { useMounted } from "../../hooks";
import { AuthLayout } from "./AuthLayout";

type LinkCheck =
  | { state: "checking" }
  | { state: "ok"; target: ResetTarget }
  | { state: "invalid"; error: CommandError };

/** Counts what a person sees as characters, not UTF-16 units. */
function charCount(s: string): number {
  return Array.from(s.normalize("NFC")).length;
}

export function SetPassword({
  info,
  secret,
  onDone,
  onBack,
  onForgot,
  onReenterCode,
}: {
  info: AppInfo | null;
  secret: ResetSecret;
  onDone: () => void;
  onBack: () => void;
  onForgot: () => void;
  onReenterCode: () => void;
}) {
  const mounted = useMounted();
  const [policy, setPolicy] = useState<PasswordPolicyInfo | null>(null);
  const [check, setCheck] = useState<LinkCheck>(
    secret.kind === "link"
      ? { state: "checking" }
      : { state: "ok", target: { displayName: "", expiresAt: 0 } },
  );
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | string | null>(null);
  const [secretRejected, setSecretRejected] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void (async () => {
      const p = await call(commands.passwordPolicy());
      if (mounted.current && p.status === "ok") setPolicy(p.data);
    })();
  }, []);

  useEffect(() => {
    if (secret.kind !== "link") return;
    setCheck({ state: "checking" });
    void (async () => {
      const r = await call(commands.checkResetLink(secret.token));
      if (!mounted.current) return;
      setCheck(
        r.status === "ok" ? { state: "ok", target: r.data } : { state: "invalid", error: r.error },
      );
    })();
  }, [secret]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!password) {
      setError("Enter a new password.");
      passwordRef.current?.focus();
      return;
    }
    if (!confirm) {
      setError("Type the new password a second time to confirm it.");
      confirmRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await call(commands.completeReset(secret, password, confirm));
    if (!mounted.current) return;
    setBusy(false);
    if (r.status === "ok") {
      onDone();
      return;
    }
    setError(r.error);
    if (r.error.code === "tokenInvalid") {
      setSecretRejected(true);
    } else if (r.error.code === "passwordMismatch") {
      setConfirm("");
      confirmRef.current?.focus();
    } else {
      passwordRef.current?.focus();
    }
  };

  const count = charCount(password);
  const min = policy?.minLength ?? 0;
  const max = policy?.maxLength ?? 0;
  const lengthHint = !policy
    ? "\u00a0"
    : count === 0
      ? `At least ${min} characters.`
      : count < min
        ? `${count} characters: ${min - count} more needed.`
        : max && count > max
          ? `${count} characters: ${count - max} too many.`
          : `${count} characters: long enough.`;
  const matchHint =
    confirm.length === 0
      ? "\u00a0"
      : confirm === password
        ? "Passwords match."
        : "Passwords don't match yet.";

  const retryActions =
    secret.kind === "link" ? (
      <button type="button" class="button button-secondary" onClick={onForgot}>
        Request a new link
      </button>
    ) : (
      <button type="button" class="button button-secondary" onClick={onReenterCode}>
        Enter the code again
      </button>
    );

  return (
    <AuthLayout info={info} wide>
      <ScreenHeading>Set a new password</ScreenHeading>
      {check.state === "checking" ? (
        <p class="lead" role="status">
          <Spinner /> Checking your reset link…
        </p>
      ) : null}
      {check.state === "invalid" ? (
        <div class="stack">
          <ErrorAlert error={check.error} />
          <div class="button-row">{retryActions}</div>
        </div>
      ) : null}
      {check.state === "ok" ? (
        <form class="stack" onSubmit={submit} noValidate>
          {secret.kind === "link" ? (
            <p class="lead" data-testid="reset-for">
              For <strong>{check.target.displayName}</strong>
              <span class="muted"> · link valid until {formatWhen(check.target.expiresAt)}</span>
            </p>
          ) : (
            <p class="lead" data-testid="reset-for">
              For <strong>{secret.username}</strong>
              <span class="muted"> · using a reset code</span>
            </p>
          )}
          <div class="policy" id="password-policy" data-testid="password-policy">
            {policy ? (
              <p>
                Use <strong>{policy.minLength}</strong> to <strong>{policy.maxLength}</strong>{" "}
                characters. A few unrelated words are strong and easy to remember. Spaces, symbols
                and any language are fine; there are no other rules.
              </p>
            ) : (
              <p>{"\u00a0"}</p>
            )}
            <p class="muted">
              Common or leaked passwords, and ones containing your name or the clinic's, are
              refused.
            </p>
          </div>
          <PasswordField
            label="New password"
            value={password}
            onInput={setPassword}
            testid="new-password"
            autoComplete="new-password"
            autoFocus
            shown={shown}
            onToggle={() => setShown((s) => !s)}
            inputRef={passwordRef}
            hint={<span class="live-hint">{lengthHint}</span>}
            disabled={secretRejected}
            name="new-password"
          />
          <PasswordField
            label="Confirm new password"
            value={confirm}
            onInput={setConfirm}
            testid="confirm-password"
            autoComplete="new-password"
            shown={shown}
            onToggle={() => setShown((s) => !s)}
            inputRef={confirmRef}
            hint={<span class="live-hint">{matchHint}</span>}
            disabled={secretRejected}
            name="confirm-password"
          />
          <div class="message-slot">
            <ErrorAlert error={error}>
              {secretRejected ? <div class="button-row">{retryActions}</div> : null}
            </ErrorAlert>
          </div>
          <button
            type="submit"
            class="button button-primary button-block"
            data-testid="set-password-submit"
            disabled={busy || secretRejected}
            aria-busy={busy}
          >
            {busy ? "Saving…" : "Set new password"}
          </button>
        </form>
      ) : null}
      <div class="auth-links">
        <button type="button" class="link-button" data-testid="back-to-login" onClick={onBack}>
          ← Back to sign in
        </button>
      </div>
    </AuthLayout>
  );
}
