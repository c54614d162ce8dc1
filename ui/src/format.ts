import type { DeliveredVia, EmailStatus, Role } from "./bindings";

export const roleLabels: Record<Role, string> = {
  admin: "Admin",
  officeManager: "Office Manager",
  veterinarian: "Veterinarian",
  technician: "Technician",
  receptionist: "Receptionist",
};

export function roleLabel(role: Role): string {
  return roleLabels[role] ?? role;
}

export const isManager = (role: Role): boolean => role === "admin" || role === "officeManager";

/** "First Last", or the one that is not empty, as the back end writes a client's name. */
export function fullName(first: string, last: string): string {
  return [first, last].filter((part) => part !== "").join(" ");
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
});
const thisYearFormat = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  hour: "numeric",
  minute: "2-digit",
});
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

function sameDay(a: Date, b: Date): boolean {
  return (
    a.getFullYear() === b.getFullYear() &&
    a.getMonth() === b.getMonth() &&
    a.getDate() === b.getDate()
  );
}

/** Short, human time: "today, 2:05 PM", "Mar 12, 2:05 PM", or with the year when it differs. */
export function formatWhen(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const n = new Date(now);
  if (sameDay(d, n)) return `today, ${timeFormat.format(d)}`;
  return d.getFullYear() === n.getFullYear() ? thisYearFormat.format(d) : dateTimeFormat.format(d);
}

export function formatTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}

/** Full timestamp for a title/tooltip and for <time dateTime>. */
export function formatFull(ms: number): string {
  return fullFormat.format(new Date(ms));
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Seconds left until `at`, rounded up, never negative. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "42 s" up to two minutes, then "3 min 5 s". */
export function formatDuration(totalSeconds: number): string {
  if (totalSeconds < 120) return `${totalSeconds} s`;
  const m = Math.floor(totalSeconds / 60);
  const s = totalSeconds % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** Same masking idea as the back end: first character, then the domain. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "•••";
  return `${email.slice(0, 1)}•••@${email.slice(at + 1)}`;
}

export const emailStatusLabels: Record<EmailStatus, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  expired: "Expired",
};

export type Tone = "neutral" | "info" | "success" | "warning" | "danger";

export const emailStatusTone: Record<EmailStatus, Tone> = {
  queued: "info",
  sending: "info",
  sent: "success",
  failed: "danger",
  expired: "warning",
};

/** The badge of an email: one that only reached the preview outbox was not sent to anyone. */
export function emailBadge(
  status: EmailStatus,
  via: DeliveredVia | null,
): { label: string; tone: Tone } {
  if (status === "sent" && via === "preview") return { label: "Preview only", tone: "warning" };
  return { label: emailStatusLabels[status], tone: emailStatusTone[status] };
}

/** Where a sent email went; only an SMTP server "accepted" it. */
export const deliveredViaWords: Record<DeliveredVia, string> = {
  smtp: "Accepted by the mail server",
  preview: "Written to the preview outbox, not sent",
};

/** Audit outcomes are free text from the back end; pick a tone from common words. */
export function outcomeTone(outcome: string): Tone {
  const o = outcome.toLowerCase();
  if (/(fail|error|denied|forbidden|invalid|reject|locked|throttl)/.test(o)) return "danger";
  if (/(expired|revoked|skipped|warn)/.test(o)) return "warning";
  if (/(ok|success|sent|done|complete|accepted|delivered)/.test(o)) return "success";
  return "neutral";
}

/** "dispatcher.sent" / "reset_requested" → "Dispatcher sent" / "Reset requested". */
export function humanizeAction(action: string): string {
  const words = action
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[._-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : action;
}
