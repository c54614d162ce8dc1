import type { PortalStatus } from "../../bindings";
import { BusyButton } from "../../components/BusyButton";
import { Icon } from "../../components/Icon";
import { formatDuration } from "../../format";
import { isRegistered } from "./PortalBadge";

/** What the paw button says: an invitation until the client has set a portal password. */
export function pawLabel(status: PortalStatus): string {
  return isRegistered(status) ? "Send portal reset link" : "Invite to portal";
}

/**
 * The paw button, which sends the patient-portal email, with the wait before another may go
 * to the same address.
 */
export function PawAction({
  status,
  email,
  busy,
  waitSecs,
  onSend,
}: {
  status: PortalStatus;
  email: string;
  busy: boolean;
  waitSecs: number;
  onSend: () => void;
}) {
  const what = isRegistered(status)
    ? "a link to choose a new portal password"
    : "an invitation to choose a portal password";
  return (
    <div class="paw-action">
      <div class="action-row">
        <BusyButton
          type="button"
          class="button button-primary"
          testid="paw"
          busy={busy}
          busyLabel="Sending…"
          disabled={waitSecs > 0}
          title="Send patient-portal email"
          aria-describedby={waitSecs > 0 ? "paw-hint paw-countdown" : "paw-hint"}
          onClick={onSend}
        >
          <Icon name="paw" size={18} />
          {pawLabel(status)}
        </BusyButton>
        <span class="countdown" id="paw-countdown" data-testid="resend-countdown">
          {waitSecs > 0 ? `Resend available in ${formatDuration(waitSecs)}` : "\u00a0"}
        </span>
      </div>
      <p class="muted paw-hint" id="paw-hint">
        Sends the patient-portal email, {what}, to <span class="keep-whole">{email}</span>.
      </p>
    </div>
  );
}
