import { useState } from "preact/hooks";
import { commands, type ClientProfile, type PortalSent } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { secondsUntil } from "../../format";
import { useCommand } from "../../useCommand";
import { ResetStatusView } from "../staff/ResetStatusView";
import { ClientEmailForm } from "./ClientEmailForm";
import { PawAction, pawLabel } from "./PawAction";

/**
 * The profile's patient-portal part: the last portal email and how far it got, and for those
 * who may send, the paw button or, with no email on file, a field to add one and send.
 */
export function PortalSection({
  profile,
  now,
  editingEmail,
  onEditEnd,
  onProfile,
  onSent,
}: {
  profile: ClientProfile;
  now: number;
  editingEmail: boolean;
  onEditEnd: () => void;
  onProfile: (profile: ClientProfile) => void;
  onSent: () => void;
}) {
  // The last answer to the paw: sent, or queued while the clinic database is away.
  const [answer, setAnswer] = useState<PortalSent | null>(null);
  const [cooldownUntil, setCooldownUntil] = useState<number | null>(null);
  const send = useCommand();

  const resendAt = Math.max(profile.resendAvailableAt ?? 0, cooldownUntil ?? 0);
  const waitSecs = secondsUntil(resendAt, now);
  const label = pawLabel(profile.portal.status);

  const sendPortal = async () => {
    setAnswer(null);
    const r = await send.run(commands.sendPortalLink(profile.id));
    if (r?.status === "ok") {
      setAnswer(r.data);
      setCooldownUntil(r.data.resendAvailableAt);
    } else if (r?.error.code === "resendTooSoon" && r.error.retryAfterSecs) {
      setCooldownUntil(Date.now() + r.error.retryAfterSecs * 1000);
    }
    if (r) onSent();
  };

  const last = profile.lastEmail;
  return (
    <section class="card-section" aria-labelledby="portal-heading" data-testid="portal-section">
      <h3 id="portal-heading" class="section-title">
        Patient portal
      </h3>

      {last ? (
        <ResetStatusView
          status={last.delivery}
          now={now}
          title={`Last portal email · ${last.invitation ? "Invitation" : "Reset link"}`}
          resendLabel={label}
          offerCode={false}
        />
      ) : (
        <p class="muted" data-testid="no-portal-email">
          No portal email has been sent to this client yet.
        </p>
      )}

      {!profile.canSend ? (
        <p class="muted" data-testid="portal-read-only">
          Receptionists, office managers and admins send patient-portal emails.
        </p>
      ) : profile.email === null ? (
        <>
          <Notice tone="warning" testid="no-email" live={false}>
            <p>
              This client has no email address. Add one to send the patient-portal email: it goes
              out as soon as the address is saved.
            </p>
          </Notice>
          <ClientEmailForm
            clientId={profile.id}
            current={null}
            onSaved={(p) => {
              onProfile(p);
              void sendPortal();
            }}
            onCancel={onEditEnd}
          />
        </>
      ) : (
        <>
          {editingEmail ? (
            <ClientEmailForm
              clientId={profile.id}
              current={profile.email}
              onSaved={(p) => {
                onProfile(p);
                onEditEnd();
                setAnswer(null);
                send.clear();
              }}
              onCancel={onEditEnd}
            />
          ) : null}
          <PawAction
            status={profile.portal.status}
            email={profile.email}
            busy={send.busy}
            waitSecs={waitSecs}
            onSend={() => void sendPortal()}
          />
        </>
      )}

      {/* Always there, so assistive technology is listening when the message arrives. */}
      <div class="message-slot message-slot-tight" role="status" data-testid="portal-status">
        {answer ? (
          <Notice
            tone={answer.queued ? "info" : "success"}
            icon={answer.queued ? "clock" : undefined}
            testid="portal-message"
            live={false}
          >
            <p>{answer.message}</p>
          </Notice>
        ) : null}
      </div>
      <ErrorAlert error={send.error} />
    </section>
  );
}
