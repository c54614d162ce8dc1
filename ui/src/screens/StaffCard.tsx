import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api";
import {
  commands,
  type CommandError,
  type OneTimeCode,
  type ResetStatus,
  type SessionInfo,
  type StaffCard,
  type StaffRow,
} from "../bindings";
import { Badge, ErrorAlert, Modal, Notice, Spinner, TextField } from "../components/ui";
import {
  emailStatusLabels,
  emailStatusTone,
  formatDuration,
  formatFull,
  formatTime,
  formatWhen,
  isoOf,
  maskEmail,
  roleLabel,
  secondsUntil,
} from "../format";
import { useMounted, useNow, usePolling } from "../hooks";

const POLL_MS = 3000;

function remainingText(secs: number): string {
  if (secs >= 60) return `${Math.round(secs / 60)} min`;
  return `${secs} s`;
}

/** Ends a back-end message with a full stop so the advice after it reads as a new sentence. */
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function ResetStatusView({ status, now }: { status: ResetStatus; now: number }) {
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
        Requested{" "}
        <time dateTime={isoOf(status.queuedAt)} title={formatFull(status.queuedAt)}>
          {formatWhen(status.queuedAt, now)}
        </time>
        {status.sentAt !== null ? (
          <>
            {" · "}sent{" "}
            <time dateTime={isoOf(status.sentAt)} title={formatFull(status.sentAt)}>
              {formatWhen(status.sentAt, now)}
            </time>
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

export function StaffCardDialog({
  row,
  session,
  onClose,
}: {
  row: StaffRow;
  session: SessionInfo;
  onClose: () => void;
}) {
  const mounted = useMounted();
  const [card, setCard] = useState<StaffCard | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [actionError, setActionError] = useState<CommandError | string | null>(null);
  const [resetMessage, setResetMessage] = useState<string | null>(null);
  const [code, setCode] = useState<OneTimeCode | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<null | "send" | "code" | "email">(null);
  const [editingEmail, setEditingEmail] = useState(false);
  const [emailDraft, setEmailDraft] = useState("");
  const [emailError, setEmailError] = useState<string | null>(null);
  const [cooldownUntil, setCooldownUntil] = useState<number | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const resetButtonRef = useRef<HTMLButtonElement>(null);

  const refresh = async () => {
    const r = await call(commands.staffCard(row.id));
    if (!mounted.current) return;
    if (r.status === "ok") {
      setCard(r.data);
      setLoadError(null);
    } else {
      setLoadError(r.error);
    }
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
    setBusy("send");
    setActionError(null);
    setResetMessage(null);
    const r = await call(commands.sendStaffReset(row.id));
    if (!mounted.current) return;
    setBusy(null);
    if (r.status === "ok") {
      setResetMessage(r.data.message);
      setCooldownUntil(r.data.resendAvailableAt);
    } else {
      setActionError(r.error);
      if (r.error.code === "resendTooSoon" && r.error.retryAfterSecs) {
        setCooldownUntil(Date.now() + r.error.retryAfterSecs * 1000);
      }
    }
    await refresh();
  };

  const issueCode = async () => {
    setBusy("code");
    setActionError(null);
    const r = await call(commands.issueOneTimeCode(row.id));
    if (!mounted.current) return;
    setBusy(null);
    if (r.status === "ok") setCode(r.data);
    else setActionError(r.error);
    await refresh();
  };

  const saveEmail = async (e: Event) => {
    e.preventDefault();
    const value = emailDraft.trim();
    if (!value) {
      setEmailError("Enter an email address.");
      return;
    }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
      setEmailError("Enter a valid email address, like name@example.com.");
      return;
    }
    setBusy("email");
    setEmailError(null);
    const r = await call(commands.updateStaffEmail(row.id, value));
    if (!mounted.current) return;
    setBusy(null);
    if (r.status === "ok") {
      setCard(r.data);
      setEditingEmail(false);
      setEmailDraft("");
      setActionError(null);
      setResetMessage(null);
    } else {
      setEmailError(r.error.message);
    }
  };

  const cannotResetText =
    session.role === "officeManager" && staff.role === "admin"
      ? `Office managers can't reset an admin's password. Ask another admin to help ${staff.displayName}.`
      : `You can't reset ${staff.displayName}'s password from here.`;

  const codeSecs = code ? secondsUntil(code.expiresAt, now) : 0;

  return (
    <Modal title={staff.displayName} onClose={onClose} size="lg" testid="staff-card">
      <div class="staff-card" data-testid="staff-card-body">
        <div class="staff-card-summary">
          <div class="avatar" aria-hidden="true">
            {staff.displayName
              .split(/\s+/)
              .map((w) => w[0])
              .slice(0, 2)
              .join("")
              .toUpperCase()}
          </div>
          <dl class="details">
            <div>
              <dt>Username</dt>
              <dd class="mono-soft">{staff.username}</dd>
            </div>
            <div>
              <dt>Role</dt>
              <dd>{roleLabel(staff.role)}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd data-testid="card-email">
                {email ?? <span class="muted">None on file</span>}
                {email && canReset && !editingEmail ? (
                  <button
                    type="button"
                    class="link-button link-inline"
                    onClick={() => {
                      setEditingEmail(true);
                      setEmailDraft(email);
                    }}
                  >
                    Change
                  </button>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                {staff.status === "active" ? (
                  <Badge tone="success">Active</Badge>
                ) : (
                  <Badge tone="neutral">Disabled</Badge>
                )}
              </dd>
            </div>
          </dl>
        </div>

        {card === null && loadError === null ? (
          <p class="muted" role="status">
            <Spinner /> Loading staff card…
          </p>
        ) : null}
        {loadError && card === null ? <ErrorAlert error={loadError} /> : null}

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
              <form class="inline-form" onSubmit={saveEmail} noValidate data-testid="email-form">
                <TextField
                  label={email === null ? "Add email address" : "New email address"}
                  type="email"
                  value={emailDraft}
                  onInput={(v) => {
                    setEmailDraft(v);
                    setEmailError(null);
                  }}
                  testid="staff-email-input"
                  autoComplete="off"
                  placeholder="name@example.com"
                  error={emailError}
                  class="inline-form-field"
                />
                <div class="inline-form-actions">
                  <button
                    type="submit"
                    class="button button-primary"
                    data-testid="save-email"
                    disabled={busy === "email"}
                  >
                    {busy === "email" ? "Saving…" : "Save email"}
                  </button>
                  {email !== null ? (
                    <button
                      type="button"
                      class="button button-ghost"
                      onClick={() => {
                        setEditingEmail(false);
                        setEmailError(null);
                      }}
                    >
                      Cancel
                    </button>
                  ) : null}
                </div>
              </form>
            ) : null}

            {card.lastReset ? <ResetStatusView status={card.lastReset} now={now} /> : null}

            {canReset ? (
              <div class="action-row">
                <button
                  ref={resetButtonRef}
                  type="button"
                  class="button button-primary"
                  data-testid="reset-password"
                  disabled={email === null || busy !== null || waitSecs > 0}
                  aria-busy={busy === "send"}
                  onClick={() => setConfirming(true)}
                >
                  {busy === "send" ? "Sending…" : "Reset password"}
                </button>
                {card.lastReset ? (
                  <button
                    type="button"
                    class="button button-secondary"
                    data-testid="resend"
                    disabled={email === null || busy !== null || waitSecs > 0}
                    onClick={() => void sendReset()}
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
                  onClick={() => void issueCode()}
                >
                  {busy === "code" ? "Creating…" : "Show one-time code"}
                </button>
                <span class="countdown" id="resend-countdown" data-testid="resend-countdown">
                  {waitSecs > 0 ? `Resend available in ${formatDuration(waitSecs)}` : "\u00a0"}
                </span>
              </div>
            ) : null}

            <div class="message-slot message-slot-tight">
              {resetMessage ? (
                <Notice tone="success" testid="reset-message">
                  <p>{resetMessage}</p>
                </Notice>
              ) : null}
              <ErrorAlert error={actionError} />
            </div>

            {code ? (
              <div
                class="code-panel"
                data-testid="one-time-code-panel"
                role="region"
                aria-label="One-time code"
              >
                <p class="code-label">One-time code for {staff.displayName}</p>
                <p class="code-value" data-testid="one-time-code-value">
                  {code.code}
                </p>
                <p class="code-expiry" data-testid="one-time-code-expiry">
                  {codeSecs > 0 ? (
                    <>
                      Valid until{" "}
                      <time dateTime={isoOf(code.expiresAt)}>{formatTime(code.expiresAt)}</time> (
                      {remainingText(codeSecs)} left)
                    </>
                  ) : (
                    "This code has expired. Create a new one if they still need it."
                  )}
                </p>
                <p class="code-note">
                  Hand this code over in person, or read it out only after you've confirmed who
                  you're speaking to. Don't email or message it. They enter it on the sign-in screen
                  under <strong>I have a reset code</strong>. Creating a new code cancels this one.
                </p>
                <button
                  type="button"
                  class="button button-ghost button-small"
                  onClick={() => setCode(null)}
                >
                  Hide code
                </button>
              </div>
            ) : null}
          </section>
        ) : null}
      </div>

      {confirming && email ? (
        <Modal
          title="Send reset link?"
          onClose={() => setConfirming(false)}
          size="sm"
          testid="confirm-dialog"
          describedBy="confirm-text"
          initialFocus={confirmRef}
          footer={
            <>
              <button
                type="button"
                class="button button-ghost"
                data-testid="confirm-no"
                onClick={() => setConfirming(false)}
              >
                Cancel
              </button>
              <button
                ref={confirmRef}
                type="button"
                class="button button-primary"
                data-testid="confirm-yes"
                onClick={() => void sendReset()}
              >
                Confirm
              </button>
            </>
          }
        >
          <p id="confirm-text" data-testid="confirm-text" class="confirm-text">
            Send a reset link to <span class="nowrap">{maskEmail(email)}</span>?
          </p>
          <p class="muted">
            {staff.displayName} gets an email with a link to choose a new password. Any earlier
            reset link for this account stops working.
          </p>
        </Modal>
      ) : null}
    </Modal>
  );
}
