import { useRef, useState } from "preact/hooks";
import { commands, type ClientProfile } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { TextField } from "../../components/TextField";
import { errorFor } from "../../fieldError";
import { useCommand } from "../../useCommand";

/**
 * Adds or changes a client's email, in place on the profile; with no email on file it saves
 * and then sends the portal email in one step. The back end judges the address, and refuses
 * one that already signs in another client to the portal.
 */
export function ClientEmailForm({
  clientId,
  current,
  onSaved,
  onCancel,
}: {
  clientId: number;
  current: string | null;
  onSaved: (profile: ClientProfile) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(current ?? "");
  const save = useCommand();
  const inputRef = useRef<HTMLInputElement>(null);
  const adding = current === null;

  const submit = async (e: Event) => {
    e.preventDefault();
    // Replacing an address may ask for the password first; the request is sent again after.
    const r = await save.run(() => commands.setClientEmail(clientId, draft.trim()));
    if (r?.status === "ok") onSaved(r.data);
    else if (r?.error.field === "email") inputRef.current?.focus();
  };

  return (
    <form class="inline-form" onSubmit={submit} noValidate data-testid="client-email-form">
      <TextField
        label={adding ? "Client's email address" : "New email address"}
        type="email"
        value={draft}
        onInput={(v) => {
          setDraft(v);
          save.clear();
        }}
        testid="client-email-input"
        autoComplete="off"
        placeholder="name@example.com"
        error={errorFor(save.error, "email")}
        class="inline-form-field"
        inputRef={inputRef}
        name="email"
        autoFocus={!adding}
      />
      <div class="inline-form-actions">
        <button
          type="submit"
          class="button button-primary"
          data-testid="client-save-email"
          disabled={save.busy}
        >
          {save.busy ? "Saving…" : adding ? "Save and send" : "Save email"}
        </button>
        {adding ? null : (
          <button type="button" class="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
      {save.error && save.error.field !== "email" ? <ErrorAlert error={save.error} /> : null}
    </form>
  );
}
