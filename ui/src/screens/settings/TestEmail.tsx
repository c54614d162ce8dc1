import { useRef, useState } from "preact/hooks";
import { commands } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { TextField } from "../../components/TextField";
import { errorFor } from "../../fieldError";
import { useCommand } from "../../useCommand";

/** Sends a test email with the saved settings; the back end checks the address. */
export function TestEmail({ pristine }: { pristine: boolean }) {
  const [to, setTo] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const test = useCommand();
  const inputRef = useRef<HTMLInputElement>(null);

  const send = async () => {
    setSent(null);
    const r = await test.run(commands.sendTestEmail(to.trim()));
    if (r?.status === "ok") setSent(r.data.message);
    else if (r?.error.field === "to") inputRef.current?.focus();
  };

  return (
    <div class="test-email" data-testid="test-email">
      <h3 class="section-title">Send a test email</h3>
      <div class="test-email-row">
        <TextField
          label="Recipient"
          type="email"
          value={to}
          onInput={(v) => {
            setTo(v);
            setSent(null);
            test.clear();
          }}
          error={errorFor(test.error, "to")}
          placeholder="you@example.com"
          testid="test-recipient"
          class="test-email-field"
          inputRef={inputRef}
          name="to"
        />
        <button
          type="button"
          class="button button-secondary"
          data-testid="test-send"
          disabled={test.busy || !pristine}
          aria-describedby="test-email-hint"
          onClick={() => void send()}
        >
          {test.busy ? "Sending…" : "Send test email"}
        </button>
      </div>
      <p class="field-hint" id="test-email-hint">
        {pristine
          ? "Uses the saved settings above."
          : "Save your changes first: the test uses the saved settings."}
      </p>
      <div class="message-slot message-slot-tight" data-testid="test-result">
        {sent ? (
          <Notice tone="success">
            <p>{sent}</p>
          </Notice>
        ) : null}
        {test.error && test.error.field !== "to" ? (
          <ErrorAlert error={test.error} testid="test-error" />
        ) : null}
      </div>
    </div>
  );
}
