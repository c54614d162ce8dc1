import type { ResetStatus } from "../../bindings";
import { Badge } from "../../components/Badge";
import { When } from "../../components/When";
import { emailStatusLabels, emailStatusTone } from "../../format";

/** Ends a back-end message with a full stop so the advice after it reads as a new sentence. */
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function ResetStatusView({ status, now }: { status: ResetStatus; now: number }) {
  const label = emailStatusLabels[status.status];
  return (
    <div class="reset-status" data-testid="reset-status" data-status={status.status}>
      <div class="reset-status-head">
        <span>Last reset email</span>
        <Badge tone={emailStatusTone[status.status]} testid="reset-status-badge">
          {label}
        </Badge>
      </div>
      <p class="reset-status-times">
        Requested <When ms={status.queuedAt} now={now} />
        {status.sentAt !== null ? (
          <>
            {" · "}sent <When ms={status.sentAt} now={now} />
          </>
        ) : null}
      </p>
      <p class="reset-status-detail" data-testid="reset-status-detail">
        {status.status === "queued" ? "Waiting to be handed to the mail server." : null}
        {status.status === "sending" ? "Handing the email to the mail server now." : null}
        {status.status === "sent"
          ? "Accepted by the mail server. If it hasn't arrived, ask them to check spam/junk."
          : null}
        {status.status === "failed"
          ? `Not delivered: ${sentence(status.lastError ?? "the mail server refused it")} Check the email address, then use Resend, or give a one-time code.`
          : null}
        {status.status === "expired"
          ? "The link expired before it could be sent, so it was not sent. Use Resend to send a fresh one."
          : null}
      </p>
    </div>
  );
}
