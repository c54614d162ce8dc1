import { useEffect, useState } from "preact/hooks";
import {
  commands,
  type OneTimeCode,
  type ResetSent,
  type SessionInfo,
  type StaffCard,
  type StaffRow,
} from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Modal } from "../../components/Modal";
import { Notice } from "../../components/Notice";
import { Spinner } from "../../components/Spinner";
import { secondsUntil } from "../../format";
import { useNow, usePolling } from "../../hooks";
import { useCommand } from "../../useCommand";
import { ConfirmResetDialog } from "./ConfirmResetDialog";
import { EmailForm } from "./EmailForm";
import { OneTimeCodePanel } from "./OneTimeCodePanel";
import { ResetActions } from "./ResetActions";
import { ResetStatusView } from "./ResetStatusView";
import { StaffSummary } from "./StaffSummary";

const POLL_MS = 3000;

export function StaffCardDialog({
  row,
  session,
  onClose,
}: {
  row: StaffRow;
  session: SessionInfo;
  onClose: () => void;
}) {
  const [card, setCard] = useState<StaffCard | null>(null);
  // The last answer to Reset password: sent, or queued while the clinic database is away.
  const [resetAnswer, setResetAnswer] = useState<ResetSent | null>(null);
  const [code, setCode] = useState<OneTimeCode | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [editingEmail, setEditingEmail] = useState(false);
  const [cooldownUntil, setCooldownUntil] = useState<number | null>(null);
  const load = useCommand();
  const send = useCommand();
  const issue = useCommand();

  const refresh = async () => {
    const r = await load.run(commands.staffCard(row.id));
    if (r?.status === "ok") setCard(r.data);
  };

  useEffect(() => {
    void refresh();
  }, [row.id]);
  usePolling(refresh, POLL_MS, true);

  const resendAt = Math.max(card?.resendAvailableAt ?? 0, cooldownUntil ?? 0) || null;
  const now = useNow(true);
  const waitSecs = resendAt !== null ? secondsUntil(resendAt, now) : 0;

  const staff = card?.staff ?? row;
  const email = staff.email;
  const canReset = card?.canReset ?? false;
  const showEmailForm = card !== null && canReset && (email === null || editingEmail);

  const sendReset = async () => {
    setConfirming(false);
    issue.clear();
    setResetAnswer(null);
    const r = await send.run(() => commands.sendStaffReset(row.id));
    if (r?.status === "ok") {
      setResetAnswer(r.data);
      setCooldownUntil(r.data.resendAvailableAt);
    } else if (r?.error.code === "resendTooSoon" && r.error.retryAfterSecs) {
      setCooldownUntil(Date.now() + r.error.retryAfterSecs * 1000);
    }
    if (r) await refresh();
  };

  const issueCode = async () => {
    send.clear();
    const r = await issue.run(() => commands.issueOneTimeCode(row.id));
    if (r?.status === "ok") setCode(r.data);
    if (r) await refresh();
  };

  const cannotResetText =
    session.role === "officeManager" && staff.role === "admin"
      ? `Office managers can't reset an admin's password. Ask another admin to help ${staff.displayName}.`
      : `You can't reset ${staff.displayName}'s password from here.`;

  return (
    <Modal title={staff.displayName} onClose={onClose} size="lg" testid="staff-card">
      <div class="staff-card" data-testid="staff-card-body">
        <StaffSummary
          staff={staff}
          onChangeEmail={canReset && !editingEmail ? () => setEditingEmail(true) : undefined}
        />

        {card === null && load.error === null ? (
          <p class="muted" role="status">
            <Spinner /> Loading staff card…
          </p>
        ) : null}
        {load.error && card === null ? <ErrorAlert error={load.error} /> : null}

        {card !== null ? (
          <section class="card-section" aria-labelledby="reset-heading">
            <h3 id="reset-heading" class="section-title">
              Password reset
            </h3>

            {!canReset ? (
              <Notice tone="warning" testid="cannot-reset" live={false}>
                <p>{cannotResetText}</p>
              </Notice>
            ) : null}

            {canReset && email === null ? (
              <Notice tone="warning" testid="no-email" live={false}>
                <p>
                  There's no email address on file for {staff.displayName}, so a reset link can't be
                  sent. Add their address below, or give them a one-time code in person.
                </p>
              </Notice>
            ) : null}

            {showEmailForm ? (
              <EmailForm
                staffId={row.id}
                current={email}
                onSaved={(next) => {
                  setCard(next);
                  setEditingEmail(false);
                  send.clear();
                  issue.clear();
                  setResetAnswer(null);
                }}
                onCancel={() => setEditingEmail(false)}
              />
            ) : null}

            {card.lastReset ? <ResetStatusView status={card.lastReset} now={now} /> : null}

            {canReset ? (
              <ResetActions
                canSend={email !== null}
                hasSent={card.lastReset !== null}
                busy={send.busy ? "send" : issue.busy ? "code" : null}
                waitSecs={waitSecs}
                onReset={() => setConfirming(true)}
                onResend={() => void sendReset()}
                onCode={() => void issueCode()}
              />
            ) : null}

            <div class="message-slot message-slot-tight">
              {resetAnswer ? (
                <Notice
                  tone={resetAnswer.queued ? "info" : "success"}
                  icon={resetAnswer.queued ? "clock" : undefined}
                  testid="reset-message"
                >
                  <p>{resetAnswer.message}</p>
                </Notice>
              ) : null}
              <ErrorAlert error={send.error ?? issue.error} />
            </div>

            {code ? (
              <OneTimeCodePanel
                code={code}
                name={staff.displayName}
                now={now}
                onHide={() => setCode(null)}
              />
            ) : null}
          </section>
        ) : null}
      </div>

      {confirming && email ? (
        <ConfirmResetDialog
          name={staff.displayName}
          email={email}
          onConfirm={() => void sendReset()}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
    </Modal>
  );
}
