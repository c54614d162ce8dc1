// Mail the mock clinic "sends": outbox rows whose delivery moves on with time, and the
// preview copies the Mail preview screen reads.
import type { EmailRow, StaffRow } from "../../src/bindings";
import { MIN, now, type Clinic, type Email, type NewEmail } from "./clinic";

export const BOUNCED = "550 5.1.1 Mailbox unavailable: the recipient address was rejected";

/** Delivery progresses with time, as the outbox dispatcher would move it; which transport
 * took an email is known once it is sent. */
export function emailView(e: Email): EmailRow {
  const { fixed, ...row } = e;
  if (fixed) return { ...row, deliveredVia: row.status === "sent" ? row.deliveredVia : null };
  const age = now() - e.createdAt;
  const unsent = { sentAt: null, deliveredVia: null };
  if (age < 1200) return { ...row, ...unsent, status: "queued", attempts: 0 };
  if (age < 2400) return { ...row, ...unsent, status: "sending", attempts: 1 };
  if (e.recipient.endsWith("@bounce.example") && row.deliveredVia === "smtp")
    return { ...row, ...unsent, status: "failed", attempts: 1, lastError: BOUNCED };
  return { ...row, status: "sent", attempts: 1, sentAt: e.createdAt + 2400 };
}

/** A real clinic's preview outbox, which office managers read, gets no reset secret. */
export const hidesSecrets = (c: Clinic) => c.settings.mail.transport === "preview" && !c.info.demo;
export const SECRET_PLACEHOLDER = "hidden: set up email in Settings › Mail";

export function addEmail(c: Clinic, m: NewEmail): Email {
  const e: Email = {
    id: c.nextEmailId++,
    kind: m.kind,
    recipient: m.recipient,
    subject: m.subject,
    createdAt: m.createdAt ?? now(),
    fixed: m.fixed ?? false,
    status: m.status ?? "queued",
    sentAt: m.sentAt ?? null,
    lastError: m.lastError ?? null,
    attempts: m.attempts ?? 0,
    deliveredVia: m.deliveredVia ?? c.settings.mail.transport,
  };
  c.emails.unshift(e);
  if (m.text) {
    c.preview.unshift({
      id: `eml-${e.id}`,
      to: e.recipient,
      subject: e.subject,
      date: e.createdAt,
      text: m.text,
      html: m.html ?? null,
    });
  }
  return e;
}

export function mailBody(
  c: Clinic,
  title: string,
  lines: string[],
  action?: { label: string; url: string },
): { text: string; html: string } {
  const { name, phone } = c.settings.clinic;
  const text = `${title}\n\n${lines.join("\n\n")}${action ? `\n\n${action.label}: ${action.url}` : ""}\n\n${name}\n${phone}`;
  const html = `<!doctype html><html><body>
<table role="presentation" width="100%" style="background:#f3f6f7;padding:24px;font-family:Arial,sans-serif"><tr><td>
<table role="presentation" width="560" align="center" style="background:#ffffff;border-radius:8px;padding:28px">
<tr><td><h1 style="font-size:20px;color:#064848">${title}</h1>
${lines.map((l) => `<p style="font-size:15px;line-height:1.5;color:#1b2a31">${l}</p>`).join("\n")}
${action ? `<p><a href="${action.url}" style="display:inline-block;background:#0b6b6b;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${action.label}</a></p>` : ""}
<p style="font-size:13px;color:#56666e">${name} · ${phone}</p>
</td></tr></table></td></tr></table></body></html>`;
  return { text, html };
}

/** A fresh single-use link for `staff`; every earlier link for them stops working. */
export function resetEmail(c: Clinic, staff: StaffRow, minutes: number, createdAt = now()) {
  const token = `tok-${staff.username}-${createdAt}`;
  for (const l of Object.values(c.links)) if (l.staffId === staff.id) l.used = true;
  c.links[token] = { staffId: staff.id, expiresAt: createdAt + minutes * MIN, used: false };
  const valid = minutes >= 120 ? `${minutes / 60} hours` : `${minutes} minutes`;
  const lines = [
    `Hello ${staff.displayName},`,
    `A password reset was requested for your VetDesk account (${staff.username}). The link below works once and expires in ${valid}.`,
    "If you didn't ask for this, you can ignore this email.",
  ];
  if (hidesSecrets(c))
    return mailBody(c, "Reset your VetDesk password", [
      ...lines,
      `Your one-time code and reset link: [${SECRET_PLACEHOLDER}]`,
    ]);
  return mailBody(c, "Reset your VetDesk password", lines, {
    label: "Set a new password",
    url: `vetdesk://reset?token=${token}`,
  });
}

export function audit(
  c: Clinic,
  action: string,
  outcome: string,
  subject: string | null = null,
  detail: string | null = null,
  actor: string | null = c.session?.username ?? null,
) {
  c.audit.unshift({
    id: c.nextAuditId++,
    at: now(),
    actor,
    subject,
    action,
    outcome,
    workstation: "FRONT-DESK-1",
    detail,
  });
}
