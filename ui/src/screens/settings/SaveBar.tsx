import type { CommandError } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { BusyButton } from "../../components/BusyButton";

/** The form's status line and its Discard and Save buttons. */
export function SaveBar({
  error,
  saved,
  pristine,
  saving,
  onDiscard,
}: {
  error: CommandError | null;
  saved: boolean;
  pristine: boolean;
  saving: boolean;
  onDiscard: () => void;
}) {
  return (
    <div class="save-bar">
      <div class="save-bar-status">
        {error ? <ErrorAlert error={error} /> : null}
        {!error && saved ? (
          <Notice tone="success" testid="settings-saved">
            <p>Settings saved.</p>
          </Notice>
        ) : null}
        {!error && !saved ? (
          <p class="muted" aria-live="polite">
            {pristine ? "No unsaved changes." : "You have unsaved changes."}
          </p>
        ) : null}
      </div>
      <div class="button-row">
        <button
          type="button"
          class="button button-ghost"
          disabled={pristine || saving}
          onClick={onDiscard}
        >
          Discard changes
        </button>
        <BusyButton
          class="button button-primary"
          testid="settings-save"
          busy={saving}
          busyLabel="Saving…"
        >
          Save settings
        </BusyButton>
      </div>
    </div>
  );
}
