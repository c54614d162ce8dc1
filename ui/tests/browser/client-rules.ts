// The Clients commands, with the core's rules (recovery/clients.rs and recovery/portal.rs):
// who may send, no email, no clinic URL, one portal email a minute to an address, one portal
// account per address, prefix search and keyset pages.
import type {
  ClientCursor,
  ClientProfile,
  ClientRow,
  PortalStatus,
  ResetStatus,
  Role,
  SessionInfo,
} from "../../src/bindings";
import { MIN, now, type Clinic, type MockClient } from "./clinic";
import type { Handlers } from "./handlers";
import { fail, maskEmail, say } from "./messages";
import { addEmail, audit, emailView, mailBody } from "./outbox";
import { EMAIL_RE } from "./settings-rules";

type ClientCommands = "searchClients" | "clientProfile" | "sendPortalLink" | "setClientEmail";
export type Guards = {
  requireSession: () => SessionInfo;
  requireRecentPassword: () => void;
};

const PAGE = 100;
const SEARCH_MAX = 100;
const RESEND_MS = MIN;
const PORTAL_KINDS = ["portal_invite", "portal_reset"];

export const canSend = (role: Role) =>
  role === "admin" || role === "officeManager" || role === "receptionist";
export const fullName = (first: string, last: string) => [first, last].filter(Boolean).join(" ");

/** The digits of a query that looks like a phone number, as `client::phone_digits` reads it. */
export function phoneDigits(query: string): string | null {
  const digits = query.replace(/[^0-9]/g, "");
  return /^[0-9 +\-().]*$/.test(query) && digits.length >= 3 ? digits : null;
}

/** SQLite's `lower`, which the store's indexes use: ASCII letters only. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

/**
 * The country code of a number written "+1 555 0142" (digits then a separator), as
 * `client::country_code` reads the clinic's own phone number.
 */
function countryCode(phone: string): string | null {
  const m = /^\+([0-9]{1,3})[ \-(.]/.exec(phone.trim());
  return m ? m[1] : null;
}

/**
 * The phone prefixes a query is looked up by: its digits, and them after the clinic's country
 * code, so that a local number finds one stored with the code.
 */
function phonePrefixes(digits: string | null, clinicPhone: string): string[] {
  if (digits === null) return [];
  const code = countryCode(clinicPhone);
  return code !== null && !digits.startsWith(code) ? [digits, code + digits] : [digits];
}

/**
 * The store's match: a name, "first last", the email or a pet's name begins with the text,
 * both with ASCII letters folded, or the phone's digits begin with one of the query's.
 */
function matches(c: MockClient, text: string, phones: string[]): boolean {
  const starts = (value: string | null) => value !== null && asciiLower(value).startsWith(text);
  return (
    starts(c.firstName) ||
    starts(c.lastName) ||
    starts(`${c.firstName} ${c.lastName}`) ||
    starts(c.email) ||
    c.pets.some((p) => starts(p.name)) ||
    phones.some((p) => c.phone !== null && c.phone.replace(/[^0-9]/g, "").startsWith(p))
  );
}

/** Last name, first name (ASCII case folded), id: the order of the list and of its cursor. */
function compare(a: ClientCursor, b: ClientCursor): number {
  const by = (x: string, y: string) => {
    const [l, r] = [asciiLower(x), asciiLower(y)];
    return l < r ? -1 : l > r ? 1 : 0;
  };
  return by(a.lastName, b.lastName) || by(a.firstName, b.firstName) || a.id - b.id;
}

/**
 * Stores a portal invitation or reset for `x` and queues its email, as `issue_portal_link`
 * does; the paw action and the bulk runner both come here.
 */
export function issuePortalLink(
  c: Clinic,
  x: MockClient,
  email: string,
  invitation: boolean,
  actor: string | null = c.session?.username ?? null,
  createdAt = now(),
) {
  const { portalInviteMinutes, portalResetMinutes } = c.settings.lifetimes;
  const minutes = invitation ? portalInviteMinutes : portalResetMinutes;
  c.portalAccounts[x.id] ??= { username: email.toLowerCase(), status: "invited" };
  c.portalLinks[x.id] = { invitation, expiresAt: createdAt + minutes * MIN, createdAt };
  const name = fullName(x.firstName, x.lastName);
  const e = addEmail(c, {
    kind: invitation ? "portal_invite" : "portal_reset",
    recipient: email,
    subject: invitation
      ? `You're invited to the ${c.settings.clinic.name} patient portal`
      : `Reset your ${c.settings.clinic.name} patient-portal password`,
    createdAt,
    ...mailBody(
      c,
      invitation ? "Your patient-portal invitation" : "Reset your portal password",
      [
        `Hello ${name},`,
        invitation
          ? "You're invited to the clinic's patient portal. Choose your password with the link below."
          : "A portal password reset was requested. The link below works once.",
      ],
      { label: "Choose a password", url: `${c.settings.clinic.clinicUrl}/portal/set-password` },
    ),
  });
  c.portalEmails[x.id] = e.id;
  audit(c, invitation ? "portal.invite" : "portal.reset", "queued", name, null, actor);
}

/** A portal username is an email, so one address signs in one client. */
export function usernameTakenByOther(c: Clinic, id: number, email: string): boolean {
  const username = email.toLowerCase();
  return Object.entries(c.portalAccounts).some(
    ([owner, a]) => a.username === username && Number(owner) !== id,
  );
}

export function clientHandlers(c: Clinic, g: Guards): Pick<Handlers, ClientCommands> {
  const client = (id: number) =>
    c.clients.find((x) => x.id === id) ?? fail("notFound", say("clientNotFound"));
  const status = (id: number): PortalStatus => c.portalAccounts[id]?.status ?? "notRegistered";
  const portalSender = () => {
    const me = g.requireSession();
    if (!canSend(me.role)) fail("forbidden", say("forbiddenPortal"));
    return me;
  };

  /** How long until another portal email may go to `email`, or 0. */
  const resendWait = (email: string) => {
    const to = email.toLowerCase();
    const last = c.emails
      .filter((e) => PORTAL_KINDS.includes(e.kind) && e.recipient.toLowerCase() === to)
      .reduce((newest, e) => Math.max(newest, e.createdAt), 0);
    return Math.max(0, last + RESEND_MS - now());
  };

  /** A portal username is an email, so one address signs in one client. */
  const refuseTakenUsername = (id: number, email: string) => {
    if (usernameTakenByOther(c, id, email))
      fail("invalidInput", say("portalUsernameTaken", { email: maskEmail(email) }), {
        field: "email",
      });
  };

  const lastEmail = (id: number): ClientProfile["lastEmail"] => {
    const e = c.emails.find((x) => x.id === c.portalEmails[id]);
    if (!e) return null;
    const v = emailView(e);
    const delivery: ResetStatus = {
      emailId: v.id,
      queuedAt: v.createdAt,
      sentAt: v.sentAt,
      status: v.status,
      deliveredVia: v.deliveredVia,
      lastError: v.lastError,
    };
    return { invitation: e.kind === "portal_invite", delivery };
  };

  const profile = (id: number): ClientProfile => {
    const me = g.requireSession();
    const x = client(id);
    const link = c.portalLinks[id];
    const live = link && link.expiresAt > now() ? link : null;
    const wait = x.email ? resendWait(x.email) : 0;
    return {
      ...structuredClone(x),
      portal: {
        status: status(id),
        inviteExpiresAt: status(id) === "invited" && live?.invitation ? live.expiresAt : null,
      },
      lastEmail: lastEmail(id),
      canSend: canSend(me.role),
      resendAvailableAt: wait > 0 ? now() + wait : null,
    };
  };

  const row = (x: MockClient): ClientRow => ({
    id: x.id,
    firstName: x.firstName,
    lastName: x.lastName,
    email: x.email,
    phone: x.phone,
    pets: x.pets.map((p) => p.name),
    portal: status(x.id),
  });

  return {
    searchClients: (query, filter, after) => {
      g.requireSession();
      const trimmed = query.trim().normalize("NFC");
      if ([...trimmed].length > SEARCH_MAX)
        fail("invalidInput", say("searchTooLong", { max: SEARCH_MAX }), { field: "query" });
      const text = asciiLower(trimmed);
      const phones = phonePrefixes(phoneDigits(trimmed), c.settings.clinic.phone);
      const found = c.clients
        .filter((x) => matches(x, text, phones))
        .filter((x) => filter === "all" || (!!x.email && c.portalAccounts[x.id] === undefined))
        .sort((a, b) => compare(a, b))
        .filter((x) => after === null || compare(x, after) > 0)
        .slice(0, PAGE + 1);
      const rows = found.slice(0, PAGE).map(row);
      const last = rows[rows.length - 1];
      const next =
        found.length > PAGE
          ? { lastName: last.lastName, firstName: last.firstName, id: last.id }
          : null;
      return { rows, next };
    },
    clientProfile: (clientId) => profile(clientId),
    sendPortalLink: (clientId) => {
      portalSender();
      const x = client(clientId);
      const email = x.email ?? fail("failed", say("clientNoEmail"));
      if (!c.settings.clinic.clinicUrl) fail("failed", say("clinicUrlMissing"));
      const wait = resendWait(email);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        fail("resendTooSoon", say("resendTooSoon", { seconds }), { retryAfterSecs: seconds });
      }
      refuseTakenUsername(x.id, email);
      const account = c.portalAccounts[x.id];
      const invitation = !account || account.status === "invited";
      issuePortalLink(c, x, email, invitation);
      const masked = maskEmail(email);
      const smtp = c.settings.mail.transport === "smtp";
      return {
        invitation,
        maskedEmail: masked,
        message: !smtp
          ? say("portalKeptInPreview", { email: masked })
          : invitation
            ? say("portalInviteSent", { email: masked })
            : say("resetSent", { email: masked }),
        resendAvailableAt: now() + RESEND_MS,
        queued: false,
      };
    },
    setClientEmail: (clientId, email) => {
      portalSender();
      const typed = email.trim();
      // As the core keeps an address: the domain in lower case, the local part as typed.
      const at = typed.lastIndexOf("@");
      const v = at < 0 ? typed : typed.slice(0, at) + typed.slice(at).toLowerCase();
      if (!v) fail("invalidInput", say("required", { field: "Email" }), { field: "email" });
      if (!EMAIL_RE.test(v) || v.length > 254 || /["<>,;]/.test(v))
        fail("invalidInput", say("invalidEmail", { field: "Email" }), { field: "email" });
      const x = client(clientId);
      if (x.email?.toLowerCase() === v.toLowerCase()) return profile(x.id);
      refuseTakenUsername(x.id, v);
      if (x.email !== null) g.requireRecentPassword();
      x.email = v;
      // The portal username follows the address, and a link sent to the old one stops working.
      const account = c.portalAccounts[x.id];
      if (account) account.username = v.toLowerCase();
      delete c.portalLinks[x.id];
      audit(c, "client.email_changed", "ok", fullName(x.firstName, x.lastName));
      return profile(x.id);
    },
  };
}
