import { useEffect, useState } from "preact/hooks";
import {
  commands,
  type CommandError,
  type PasswordPolicyInfo,
  type ResetSecret,
  type ResetTarget,
} from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { NewPasswordFields } from "../../components/NewPasswordFields";
import { ScreenHeading } from "../../components/ScreenHeading";
import { Spinner } from "../../components/Spinner";
import { formatWhen } from "../../format";
import { useTextInput } from "../../hooks";
import { useCommand } from "../../useCommand";
import { AuthLayout, type RecoveryProps } from "./AuthLayout";
import { promptForEmpty } from "./emptyField";
import { BusyButton } from "../../components/BusyButton";

type LinkCheck =
  | { state: "checking" }
  | { state: "ok"; target: ResetTarget }
  | { state: "invalid"; error: CommandError };

const NAMING = {
  password: { label: "New password", testid: "new-password", name: "new-password" },
  confirm: { label: "Confirm new password", testid: "confirm-password", name: "confirm-password" },
};

export function SetPassword({
  info,
  secret,
  onDone,
  onBack,
  onForgot,
  onReenterCode,
}: RecoveryProps & {
  secret: ResetSecret;
  onDone: () => void;
  onForgot: () => void;
  onReenterCode: () => void;
}) {
  const [policy, setPolicy] = useState<PasswordPolicyInfo | null>(null);
  const [check, setCheck] = useState<LinkCheck>(
    secret.kind === "link"
      ? { state: "checking" }
      : { state: "ok", target: { displayName: "", expiresAt: 0 } },
  );
  const password = useTextInput();
  const confirm = useTextInput();
  const [missing, setMissing] = useState<string | null>(null);
  const [secretRejected, setSecretRejected] = useState(false);
  const policyLoad = useCommand();
  const linkCheck = useCommand();
  const reset = useCommand();

  useEffect(() => {
    void (async () => {
      const p = await policyLoad.run(commands.passwordPolicy());
      if (p?.status === "ok") setPolicy(p.data);
    })();
  }, []);

  useEffect(() => {
    if (secret.kind !== "link") return;
    setCheck({ state: "checking" });
    void (async () => {
      const r = await linkCheck.run(commands.checkResetLink(secret.token));
      if (!r) return;
      setCheck(
        r.status === "ok" ? { state: "ok", target: r.data } : { state: "invalid", error: r.error },
      );
    })();
  }, [secret]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (reset.busy) return;
    const prompt = promptForEmpty(
      [password.value, "Enter a new password.", password.inputRef],
      [confirm.value, "Type the new password a second time to confirm it.", confirm.inputRef],
    );
    setMissing(prompt);
    if (prompt) return;
    const r = await reset.run(commands.completeReset(secret, password.value, confirm.value));
    if (!r) return;
    if (r.status === "ok") {
      onDone();
      return;
    }
    if (r.error.code === "tokenInvalid") {
      setSecretRejected(true);
    } else if (r.error.field === "confirm") {
      confirm.onInput("");
      confirm.inputRef.current?.focus();
    } else {
      password.inputRef.current?.focus();
    }
  };

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
    <AuthLayout info={info} wide onBack={onBack}>
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
          <NewPasswordFields
            policy={policy}
            password={password}
            confirm={confirm}
            naming={NAMING}
            disabled={secretRejected}
            autoFocus
          />
          <div class="message-slot">
            <ErrorAlert error={missing ?? reset.error}>
              {secretRejected ? <div class="button-row">{retryActions}</div> : null}
            </ErrorAlert>
          </div>
          <BusyButton
            class="button button-primary button-block"
            testid="set-password-submit"
            busy={reset.busy}
            busyLabel="Saving…"
            disabled={secretRejected}
          >
            Set new password
          </BusyButton>
        </form>
      ) : null}
    </AuthLayout>
  );
}
