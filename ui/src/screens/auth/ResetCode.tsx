import { useRef, useState } from "preact/hooks";
import type { AppInfo, ResetSecret } from "../../bindings";
import { ErrorAlert, ScreenHeading, TextField } from "../../components/ui";
import { AuthLayout } from "./AuthLayout";

export function ResetCode({
  info,
  initialUsername,
  onBack,
  onContinue,
}: {
  info: AppInfo | null;
  initialUsername: string;
  onBack: () => void;
  onContinue: (secret: ResetSecret) => void;
}) {
  const [username, setUsername] = useState(initialUsername);
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const codeRef = useRef<HTMLInputElement>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    const u = username.trim();
    const c = code.replace(/\s+/g, "");
    if (!u) {
      setError("Enter your username.");
      usernameRef.current?.focus();
      return;
    }
    if (!c) {
      setError("Enter the reset code from your email or from your office manager.");
      codeRef.current?.focus();
      return;
    }
    setError(null);
    onContinue({ kind: "code", username: u, code: c });
  };

  return (
    <AuthLayout info={info}>
      <ScreenHeading>Enter your reset code</ScreenHeading>
      <form class="stack" onSubmit={submit} noValidate>
        <p class="lead">
          Use the code from your reset email, or the one-time code your office manager gave you.
        </p>
        <TextField
          label="Username"
          value={username}
          onInput={setUsername}
          testid="code-username"
          autoComplete="username"
          autoFocus={!initialUsername}
          inputRef={usernameRef}
          name="username"
        />
        <TextField
          label="Reset code"
          value={code}
          onInput={setCode}
          testid="code-value"
          autoComplete="one-time-code"
          autoFocus={!!initialUsername}
          inputRef={codeRef}
          inputClass="input-code"
          hint="Codes are short and expire quickly. Spaces are ignored."
          name="code"
        />
        <div class="message-slot">
          <ErrorAlert error={error} />
        </div>
        <button type="submit" class="button button-primary button-block" data-testid="code-submit">
          Continue
        </button>
      </form>
      <div class="auth-links">
        <button type="button" class="link-button" data-testid="back-to-login" onClick={onBack}>
          ← Back to sign in
        </button>
      </div>
    </AuthLayout>
  );
}
