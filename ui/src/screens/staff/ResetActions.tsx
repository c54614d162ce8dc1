import { formatDuration } from "../../format";
import { BusyButton } from "../../components/BusyButton";

/** Reset, Resend and one-time code buttons, with the wait before the next email may go. */
export function ResetActions({
  canSend,
  hasSent,
  busy,
  waitSecs,
  onReset,
  onResend,
  onCode,
}: {
  canSend: boolean;
  hasSent: boolean;
  busy: "send" | "code" | null;
  waitSecs: number;
  onReset: () => void;
  onResend: () => void;
  onCode: () => void;
}) {
  const sendBlocked = !canSend || busy !== null || waitSecs > 0;
  return (
    <div class="action-row">
      <BusyButton
        type="button"
        class="button button-primary"
        testid="reset-password"
        busy={busy === "send"}
        busyLabel="Sending…"
        disabled={sendBlocked}
        onClick={onReset}
      >
        Reset password
      </BusyButton>
      {hasSent ? (
        <button
          type="button"
          class="button button-secondary"
          data-testid="resend"
          disabled={sendBlocked}
          onClick={onResend}
          aria-describedby={waitSecs > 0 ? "resend-countdown" : undefined}
        >
          Resend
        </button>
      ) : null}
      <button
        type="button"
        class="button button-secondary"
        data-testid="one-time-code"
        disabled={busy !== null}
        onClick={onCode}
      >
        {busy === "code" ? "Creating…" : "Show one-time code"}
      </button>
      <span class="countdown" id="resend-countdown" data-testid="resend-countdown">
        {waitSecs > 0 ? `Resend available in ${formatDuration(waitSecs)}` : "\u00a0"}
      </span>
    </div>
  );
}
