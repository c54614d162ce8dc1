import type { ResetStatus } from "../../bindings";
import { Badge } from "../../components/Badge";
import { When } from "../../components/When";
import { emailBadge } from "../../format";

/** Ends a back-end message with a full stop so the advice after it reads as a new sentence. */
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Where a sent email went: a mail server accepted it, or it only reached the preview outbox. */
function sentDetail(status: ResetStatus, offerCode: boolean): string {
  if (status.deliveredVia === "smtp")
    return "Accepted by the mail server. If it hasn't arrived, ask them to check spam/junk.";
  if (status.deliveredVia === "preview")
    return `Written to the preview outbox, not sent: email is not set up (Settings › Mail).${offerCode ? " Use Show one-time code to hand over a code in person." : ""}`;
  return "Sent.";
}

/**
 * The last email with a link, and how far it got. `resendLabel` names the button that sends
 * another; `offerCode` says whether a one-time code is the way round a mail problem (staff).
 */
export function ResetStatusView({
  status,
  now,
  title = "Last reset email",
  resendLabel = "Resend",
  offerCode = true,
}: {
  status: ResetStatus;
  now: number;
  title?: string;
  resendLabel?: string;
  offerCode?: boolean;
}) {
  const badge = emailBadge(status.status, status.deliveredVia);
  const previewOnly = status.status === "sent" && status.deliveredVia === "preview";
  return (
    <div
      class="reset-status"
      data-testid="reset-status"
      data-status={status.status}
      data-via={status.deliveredVia ?? undefined}
    >
      <div class="reset-status-head">
        <span>{title}</span>
        <Badge tone={badge.tone} testid="reset-status-badge">
          {badge.label}
        </Badge>
      </div>
      <p class="reset-status-times">
        Requested <When ms={status.queuedAt} now={now} />
        {status.sentAt !== null ? (
          <>
            {previewOnly ? " · written to the preview " : " · sent "}
            <When ms={status.sentAt} now={now} />
          </>
        ) : null}
      </p>
      <p class="reset-status-detail" data-testid="reset-status-detail">
        {status.status === "queued" ? "Waiting to be handed to the mail server." : null}
        {status.status === "sending" ? "Handing the email to the mail server now." : null}
        {status.status === "sent" ? sentDetail(status, offerCode) : null}
        {status.status === "failed"
          ? `Not delivered: ${sentence(status.lastError ?? "the mail server refused it")} Check the email address, then use ${resendLabel}${offerCode ? ", or give a one-time code" : ""}.`
          : null}
        {status.status === "expired"
          ? `The link expired before it could be sent, so it was not sent. Use ${resendLabel} to send a fresh one.`
          : null}
      </p>
    </div>
  );
}
