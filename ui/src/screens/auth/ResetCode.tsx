import { useState } from "preact/hooks";
import type { ResetSecret } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ScreenHeading } from "../../components/ScreenHeading";
import { TextField } from "../../components/TextField";
import { useTextInput } from "../../hooks";
import { AuthLayout, type RecoveryProps } from "./AuthLayout";
import { promptForEmpty } from "./emptyField";
import { NO_USERNAME, UsernameField, useUsername } from "./UsernameField";

const CODE = {
  label: "Reset code",
  testid: "code-value",
  name: "code",
  autoComplete: "one-time-code",
  inputClass: "input-code",
  hint: "Codes are short and expire quickly. Spaces are ignored.",
};
const NO_CODE = "Enter the reset code from your email or from your office manager.";

export function ResetCode({
  info,
  initialUsername,
  onBack,
  onContinue,
}: RecoveryProps & { initialUsername: string; onContinue: (secret: ResetSecret) => void }) {
  const username = useUsername(initialUsername);
  const code = useTextInput();
  const [error, setError] = useState<string | null>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    const u = username.value.trim();
    const c = code.value.replace(/\s+/g, "");
    const prompt = promptForEmpty([u, NO_USERNAME, username.inputRef], [c, NO_CODE, code.inputRef]);
    setError(prompt);
    if (!prompt) onContinue({ kind: "code", username: u, code: c });
  };

  return (
    <AuthLayout info={info} onBack={onBack}>
      <ScreenHeading>Enter your reset code</ScreenHeading>
      <form class="stack" onSubmit={submit} noValidate>
        <p class="lead">
          Use the code from your reset email, or the one-time code your office manager gave you.
        </p>
        <UsernameField {...username} testid="code-username" />
        <TextField {...CODE} {...code} autoFocus={!username.autoFocus} />
        <div class="message-slot">
          <ErrorAlert error={error} />
        </div>
        <button type="submit" class="button button-primary button-block" data-testid="code-submit">
          Continue
        </button>
      </form>
    </AuthLayout>
  );
}
