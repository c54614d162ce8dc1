import { useState } from "preact/hooks";
import { commands } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { ScreenHeading } from "../../components/ScreenHeading";
import { TextField } from "../../components/TextField";
import { useTextInput } from "../../hooks";
import { useCommand } from "../../useCommand";
import { AuthLayout, type RecoveryProps } from "./AuthLayout";
import { promptForEmpty } from "./emptyField";
import { BusyButton } from "../../components/BusyButton";

const NO_IDENTIFIER = "Enter your username or the email address the clinic has on file for you.";

export function Forgot({
  info,
  initialIdentifier,
  onBack,
  onCode,
}: RecoveryProps & { initialIdentifier: string; onCode: () => void }) {
  const identifier = useTextInput(initialIdentifier);
  const [missing, setMissing] = useState<string | null>(null);
  const request = useCommand();
  const [answer, setAnswer] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (request.busy) return;
    const value = identifier.value.trim();
    const prompt = promptForEmpty([value, NO_IDENTIFIER, identifier.inputRef]);
    setMissing(prompt);
    if (prompt) return;
    const result = await request.run(commands.forgotPassword(value));
    if (result?.status === "ok") setAnswer(result.data.message);
    else if (result?.error.field === "identifier") identifier.inputRef.current?.focus();
  };

  return (
    <AuthLayout info={info} onBack={onBack}>
      <ScreenHeading>Forgot your password?</ScreenHeading>
      {answer === null ? (
        <form class="stack" onSubmit={submit} noValidate>
          <p class="lead">
            Enter your username or email. If it matches an account, we'll email a reset link to the
            address the clinic has on file.
          </p>
          <TextField
            label="Username or email"
            {...identifier}
            testid="forgot-identifier"
            autoComplete="username"
            autoFocus
            name="identifier"
          />
          <div class="message-slot">
            <ErrorAlert error={missing ?? request.error} />
          </div>
          <BusyButton
            class="button button-primary button-block"
            testid="forgot-submit"
            busy={request.busy}
            busyLabel="Sending…"
          >
            Send reset link
          </BusyButton>
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
    </AuthLayout>
  );
}
