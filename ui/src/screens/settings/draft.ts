import type { MailTransport, Settings, SmtpSecurity } from "../../bindings";

export type LifetimeKey = keyof Settings["lifetimes"];

/** Named as the back end names a field in its errors, so an error finds its input. */
export type TextKey =
  | "clinic.name"
  | "clinic.phone"
  | "clinic.email"
  | "clinic.address"
  | "clinic.clinicUrl"
  | "mail.host"
  | "mail.port"
  | "mail.username"
  | "mail.fromName"
  | "mail.fromAddress"
  | "mail.replyTo"
  | "mail.dkim.domain"
  | "mail.dkim.selector"
  | `lifetimes.${LifetimeKey}`
  | "passwordMinLength"
  | "sessions.idleLockMinutes"
  | "sessions.maxHours"
  | "sessions.offlineSignInDays"
  | "breachCheckUrl"
  | "smtpPassword";

/** Everything the form edits, as the strings the inputs hold. */
export type Draft = Record<TextKey, string> & {
  "mail.transport": MailTransport;
  "mail.security": SmtpSecurity;
  removeSmtpPassword: boolean;
};

/** What a text input needs to edit one draft field and show the back end's error for it. */
export type Bind = (key: TextKey) => {
  name: TextKey;
  value: string;
  onInput: (value: string) => void;
  error: string | null;
};

export const LIFETIMES: { key: LifetimeKey; label: string; hint: string }[] = [
  { key: "selfResetMinutes", label: "Forgot-password link", hint: "Recommended: 30 minutes." },
  {
    key: "adminResetMinutes",
    label: "Reset link sent by a manager",
    hint: "Recommended: 1440 (24 hours).",
  },
  {
    key: "portalResetMinutes",
    label: "Patient portal reset link",
    hint: "Recommended: 60 minutes.",
  },
  {
    key: "portalInviteMinutes",
    label: "Patient portal invitation",
    hint: "Recommended: 10080 (7 days).",
  },
  { key: "oneTimeCodeMinutes", label: "One-time code", hint: "Recommended: 15 minutes." },
];

export function toDraft(s: Settings): Draft {
  return {
    "clinic.name": s.clinic.name,
    "clinic.phone": s.clinic.phone,
    "clinic.email": s.clinic.email,
    "clinic.address": s.clinic.address,
    "clinic.clinicUrl": s.clinic.clinicUrl ?? "",
    "mail.transport": s.mail.transport,
    "mail.host": s.mail.host,
    "mail.port": String(s.mail.port),
    "mail.security": s.mail.security,
    "mail.username": s.mail.username ?? "",
    "mail.fromName": s.mail.fromName,
    "mail.fromAddress": s.mail.fromAddress,
    "mail.replyTo": s.mail.replyTo ?? "",
    "mail.dkim.domain": s.mail.dkim?.domain ?? "",
    "mail.dkim.selector": s.mail.dkim?.selector ?? "",
    "lifetimes.selfResetMinutes": String(s.lifetimes.selfResetMinutes),
    "lifetimes.adminResetMinutes": String(s.lifetimes.adminResetMinutes),
    "lifetimes.portalResetMinutes": String(s.lifetimes.portalResetMinutes),
    "lifetimes.portalInviteMinutes": String(s.lifetimes.portalInviteMinutes),
    "lifetimes.oneTimeCodeMinutes": String(s.lifetimes.oneTimeCodeMinutes),
    passwordMinLength: String(s.passwordMinLength),
    "sessions.idleLockMinutes": String(s.sessions.idleLockMinutes),
    "sessions.maxHours": String(s.sessions.maxHours),
    "sessions.offlineSignInDays": String(s.sessions.offlineSignInDays ?? 7),
    breachCheckUrl: s.breachCheckUrl ?? "",
    smtpPassword: "",
    removeSmtpPassword: false,
  };
}

const orNull = (v: string) => (v.trim() === "" ? null : v.trim());

/** The settings to send. Numbers go as typed; the back end says when one is out of range. */
export function fromDraft(d: Draft, base: Settings): Settings {
  return {
    clinic: {
      name: d["clinic.name"].trim(),
      phone: d["clinic.phone"].trim(),
      email: d["clinic.email"].trim(),
      address: d["clinic.address"].trim(),
      clinicUrl: orNull(d["clinic.clinicUrl"]),
    },
    mail: {
      transport: d["mail.transport"],
      host: d["mail.host"].trim(),
      port: Number(d["mail.port"]),
      security: d["mail.security"],
      username: orNull(d["mail.username"]),
      fromName: d["mail.fromName"].trim(),
      fromAddress: d["mail.fromAddress"].trim(),
      replyTo: orNull(d["mail.replyTo"]),
      hasPassword: base.mail.hasPassword,
      dkim: dkimOf(d),
    },
    lifetimes: {
      selfResetMinutes: Number(d["lifetimes.selfResetMinutes"]),
      adminResetMinutes: Number(d["lifetimes.adminResetMinutes"]),
      portalResetMinutes: Number(d["lifetimes.portalResetMinutes"]),
      portalInviteMinutes: Number(d["lifetimes.portalInviteMinutes"]),
      oneTimeCodeMinutes: Number(d["lifetimes.oneTimeCodeMinutes"]),
    },
    passwordMinLength: Number(d.passwordMinLength),
    sessions: {
      idleLockMinutes: Number(d["sessions.idleLockMinutes"]),
      maxHours: Number(d["sessions.maxHours"]),
      offlineSignInDays: Number(d["sessions.offlineSignInDays"]),
    },
    breachCheckUrl: orNull(d.breachCheckUrl),
  };
}

/**
 * Both fields empty turn signing off; one filled in is sent as typed, so that the back end
 * says which is missing.
 */
function dkimOf(d: Draft): Settings["mail"]["dkim"] {
  const domain = d["mail.dkim.domain"].trim();
  const selector = d["mail.dkim.selector"].trim();
  return domain === "" && selector === "" ? null : { domain, selector };
}

/** null keeps the stored SMTP password, "" removes it, anything else replaces it. */
export function smtpPasswordOf(d: Draft): string | null {
  if (d.removeSmtpPassword) return "";
  return d.smtpPassword === "" ? null : d.smtpPassword;
}
