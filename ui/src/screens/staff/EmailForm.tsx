import { useRef, useState } from "preact/hooks";
import { commands, type StaffCard } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { TextField } from "../../components/TextField";
import { errorFor } from "../../fieldError";
import { useCommand } from "../../useCommand";

/** Adds or changes a staff member's email; the back end decides what is a valid address. */
export function EmailForm({
  staffId,
  current,
  onSaved,
  onCancel,
}: {
  staffId: number;
  current: string | null;
  onSaved: (card: StaffCard) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState(current ?? "");
  const save = useCommand();
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const r = await save.run(() => commands.updateStaffEmail(staffId, draft.trim()));
    if (r?.status === "ok") onSaved(r.data);
    else if (r?.error.field === "email") inputRef.current?.focus();
  };

  return (
    <form class="inline-form" onSubmit={submit} noValidate data-testid="email-form">
      <TextField
        label={current === null ? "Add email address" : "New email address"}
        type="email"
        value={draft}
        onInput={(v) => {
          setDraft(v);
          save.clear();
        }}
        testid="staff-email-input"
        autoComplete="off"
        placeholder="name@example.com"
        error={errorFor(save.error, "email")}
        class="inline-form-field"
        inputRef={inputRef}
        name="email"
      />
      <div class="inline-form-actions">
        <button
          type="submit"
          class="button button-primary"
          data-testid="save-email"
          disabled={save.busy}
        >
          {save.busy ? "Saving…" : "Save email"}
        </button>
        {current !== null ? (
          <button type="button" class="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      {save.error && !save.error.field ? <ErrorAlert error={save.error} /> : null}
    </form>
  );
}
