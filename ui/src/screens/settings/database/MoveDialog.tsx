import { listen } from "@tauri-apps/api/event";
import { useEffect, useRef, useState } from "preact/hooks";
import { commands, type MoveProgress, type MoveReport } from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { Modal } from "../../../components/Modal";
import { useCommand } from "../../../useCommand";
import { MOVE_PROGRESS, tableLabel } from "./moveReport";
import { addressOf, passwordOf, type ServerForm } from "./serverForm";

/**
 * Move this clinic to the server: what it does, then the copy with a progress bar fed by the
 * shell's `move-progress` events (outside the shell, only a busy state). It cannot be closed
 * while the copy runs; a refusal or failure is shown here, and nothing changed.
 */
export function MoveDialog({
  form,
  onClose,
  onMoved,
}: {
  form: ServerForm;
  onClose: () => void;
  onMoved: (report: MoveReport) => void;
}) {
  const moving = useCommand();
  const [progress, setProgress] = useState<MoveProgress | null>(null);
  const unlisten = useRef<(() => void) | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const stopListening = () => {
    unlisten.current?.();
    unlisten.current = null;
  };
  useEffect(() => stopListening, []);

  const move = async () => {
    setProgress(null);
    try {
      unlisten.current ??= await listen<MoveProgress>(MOVE_PROGRESS, (event) => {
        if (event.payload) setProgress(event.payload);
      });
    } catch {
      // Outside the desktop shell there is no event bus: the dialog shows it is busy.
    }
    const r = await moving.run(() => commands.moveToServer(addressOf(form), passwordOf(form)));
    stopListening();
    if (r?.status === "ok") onMoved(r.data);
  };

  const where = `${form.database} on ${form.host}`;
  const busy = moving.busy;
  return (
    <Modal
      title="Move this clinic to the server"
      onClose={() => {
        if (!busy) onClose();
      }}
      size="md"
      testid="move-dialog"
      describedBy="move-text"
      initialFocus={confirmRef}
      footer={
        <>
          <button
            type="button"
            class="button button-ghost"
            data-testid="move-cancel"
            disabled={busy}
            onClick={onClose}
          >
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="button"
            class="button button-primary"
            data-testid="move-confirm"
            disabled={busy}
            onClick={() => void move()}
          >
            {busy ? "Moving…" : moving.error ? "Try again" : "Move the clinic"}
          </button>
        </>
      }
    >
      <p id="move-text" class="confirm-text">
        Copy this clinic to {where}?
      </p>
      <p class="muted">
        Everything in this computer's file moves in one step: staff, clients and pets, portal
        accounts, emails waiting to go out, Activity and bulk invitations. This computer then works
        on the server, and everyone signed in here is signed out: sign in again there, with the same
        username and password. If the copy stops, nothing moves and the clinic stays on this
        computer.
      </p>
      {busy ? <MoveProgressBar progress={progress} /> : null}
      <div class="message-slot message-slot-tight">
        {moving.error ? <ErrorAlert error={moving.error} testid="move-error" /> : null}
      </div>
    </Modal>
  );
}

function MoveProgressBar({ progress }: { progress: MoveProgress | null }) {
  const n = (v: number) => v.toLocaleString("en-US");
  return (
    <div class="move-progress" data-testid="move-progress">
      <p id="move-progress-label" class="move-progress-label">
        Copying the clinic to the server
      </p>
      {/* Without a count yet, the bar shows that work goes on without saying how far. */}
      <progress
        aria-labelledby="move-progress-label"
        aria-describedby="move-progress-count"
        max={progress ? Math.max(progress.total, 1) : undefined}
        value={progress ? progress.copied : undefined}
        data-testid="move-progressbar"
      />
      <p id="move-progress-count" class="move-progress-count" data-testid="move-progress-count">
        {progress
          ? `${tableLabel(progress.table)}: ${n(progress.copied)} of ${n(progress.total)} rows copied`
          : "Getting ready…"}
      </p>
    </div>
  );
}
