// What each command does in the mock clinic. Typed against the generated bindings, so a
// renamed command or a changed argument or answer type fails the type check.
import type { commands, Role, StaffCard, StaffRow } from "../../src/bindings";
import { DATA_DIR, MIN, now, windowTitle, type Clinic } from "./clinic";
import { bulkClients, bulkHandlers } from "./bulk-rules";
import { clientHandlers } from "./client-rules";
import { checkClinicUrl } from "./clinic-url";
import { databaseHandlers } from "./database-rules";
import { keysHandlers } from "./keys-rules";
import { dkimHandlers } from "./dkim-rules";
import { whileOffline } from "./offline-rules";
import { fail, maskEmail, passwordPolicy, roleLabels, say, settingsLimits } from "./messages";
import { addEmail, audit, emailView, mailBody, resetEmail } from "./outbox";
import { checkSettings, EMAIL_RE } from "./settings-rules";
import { checkNewPassword, setUpClinic } from "./setup-rules";

type Commands = typeof commands;
type Answer<K extends keyof Commands> = Extract<
  Awaited<ReturnType<Commands[K]>>,
  { status: "ok" }
>["data"];
export type Handlers = {
  [K in keyof Commands]: (...args: Parameters<Commands[K]>) => Answer<K> | Promise<Answer<K>>;
};
/** Opening another clinic is up to the mock as a whole, which holds both clinics. */
export type ClinicSwitch = "openDemoClinic" | "leaveDemoClinic";

const REAUTH_WITHIN = 5 * MIN;
const CODES = ["K7P2-9XQM", "H4TR-6WZD", "Q9LC-3VNB", "M2XJ-8KFT"];

const isManager = (role: Role) => role === "admin" || role === "officeManager";
const matches = (q: string, ...fields: (string | null)[]) => {
  const needle = q.trim().toLowerCase();
  return !needle || fields.some((f) => f !== null && f.toLowerCase().includes(needle));
};

export function clinicHandlers(c: Clinic): Omit<Handlers, ClinicSwitch> {
  const byId = (id: number): StaffRow =>
    c.staff.find((s) => s.id === id) ?? fail("notFound", say("staffNotFound"));
  const byUsername = (u: string) =>
    c.staff.find((s) => s.username.toLowerCase() === u.toLowerCase());

  /** The signed-in person, unless the screen is locked or idle past the clinic's limit. */
  const signedIn = () => c.session ?? fail("notSignedIn", say("notSignedIn"));
  const requireSession = () => {
    const s = signedIn();
    const allowance = 2 * c.info.activityReportSecs * 1000;
    if (!s.locked && now() - c.activeAt >= c.settings.sessions.idleLockMinutes * MIN + allowance)
      s.locked = true;
    if (s.locked) fail("locked", say("locked"));
    return s;
  };
  /** Sensitive changes need the password entered within the last five minutes. */
  const requireRecentPassword = () => {
    if (now() - c.authenticatedAt > REAUTH_WITHIN) fail("reauthRequired", say("reauthRequired"));
  };
  const startSession = () => {
    c.authenticatedAt = now();
    c.activeAt = now();
  };
  const requireManager = (refusal: "forbiddenStaffList" | "forbiddenActivity") => {
    const s = requireSession();
    if (!isManager(s.role)) fail("forbidden", say(refusal));
    return s;
  };
  const requireAdmin = () => {
    const s = requireSession();
    if (s.role !== "admin") fail("forbidden", say("forbiddenSettings"));
    return s;
  };

  function card(staff: StaffRow): StaffCard {
    const me = requireSession();
    const canReset = me.role === "admin" || (me.role === "officeManager" && staff.role !== "admin");
    const e = c.emails.find((x) => x.id === c.resets[staff.id]);
    const v = e ? emailView(e) : null;
    const cooldown = c.cooldowns[staff.id];
    return {
      staff: { ...staff },
      lastReset: v
        ? {
            emailId: v.id,
            queuedAt: v.createdAt,
            sentAt: v.sentAt,
            status: v.status,
            deliveredVia: v.deliveredVia,
            lastError: v.lastError,
          }
        : null,
      canReset,
      resendAvailableAt: cooldown && cooldown > now() ? cooldown : null,
    };
  }

  /** The staff member a manager may act for, or the back end's refusal. */
  function resettable(staffId: number): StaffRow {
    const me = requireManager("forbiddenStaffList");
    const s = byId(staffId);
    if (!card(s).canReset)
      fail(
        "forbidden",
        say("cannotResetRole", {
          actorRole: roleLabels[me.role],
          targetRole: roleLabels[s.role],
        }),
      );
    return s;
  }

  const guards = { requireSession, requireRecentPassword };
  const clients = clientHandlers(c, guards);
  const bulk = { requireSession, search: clients.searchClients };
  const offline = { ...guards, bulkClients: bulkClients(c, bulk) };
  return whileOffline(c, offline, {
    ...clients,
    ...bulkHandlers(c, bulk),
    ...dkimHandlers(c, { requireAdmin, requireRecentPassword }),
    ...databaseHandlers(c, { requireAdmin, requireRecentPassword }),
    ...keysHandlers(c, { requireAdmin, requireRecentPassword }),
    // Stands for writing the outbox key to an owner-only file for vetdesk-server.
    exportDispatchKey: () => {
      requireAdmin();
      requireRecentPassword();
      const fingerprint = "3f9a0c57d21e84b6a7c0e19f5b2d4c88";
      audit(c, "dispatch_key.exported", "ok", null, `fingerprint ${fingerprint}`);
      return {
        path: "/home/frontdesk/.local/share/vetdesk/vetdesk-server-dispatch.key",
        fingerprint,
      };
    },
    checkClinicUrl: (url) => {
      requireAdmin();
      return checkClinicUrl(c, url);
    },
    appInfo: () => ({ ...c.info }),
    about: () => ({
      version: c.info.version,
      database:
        c.info.database === "remote"
          ? `The clinic's server (${c.info.databaseName})`
          : `This computer (${DATA_DIR}/${c.info.demo ? "demo" : "vetdesk"}.sqlite3)`,
      logsFolder: `${DATA_DIR}/logs`,
    }),
    openLogsFolder: () => null,
    currentSession: () => (c.session ? { ...c.session } : null),
    setupClinic: (clinic, admin, password, confirm) =>
      setUpClinic(c, clinic, admin, password, confirm),
    login: (username, password) => {
      const key = username.toLowerCase();
      if ((c.failures[key] ?? 0) >= 3) {
        audit(c, "login", "throttled", key, null, null);
        fail("throttled", say("throttled", { seconds: 30 }), { retryAfterSecs: 30 });
      }
      const s = byUsername(username);
      if (!s || s.status !== "active" || c.passwords[s.username] !== password) {
        c.failures[key] = (c.failures[key] ?? 0) + 1;
        audit(c, "login", "failed", key, null, null);
        fail("invalidCredentials", say("invalidCredentials"));
      }
      c.failures[key] = 0;
      c.session = {
        staffId: s.id,
        username: s.username,
        displayName: s.displayName,
        role: s.role,
        locked: false,
      };
      startSession();
      audit(c, "login", "ok");
      return { ...c.session };
    },
    sessionActivity: () => {
      requireSession();
      c.activeAt = now();
      return null;
    },
    lockSession: () => {
      signedIn().locked = true;
      return null;
    },
    confirmPassword: (password) => {
      const s = signedIn();
      const key = s.username.toLowerCase();
      if ((c.failures[key] ?? 0) >= 3)
        fail("throttled", say("throttled", { seconds: 30 }), { retryAfterSecs: 30 });
      if (c.passwords[s.username] !== password) {
        c.failures[key] = (c.failures[key] ?? 0) + 1;
        audit(c, s.locked ? "unlock" : "reauthenticate", "refused", s.username);
        fail("invalidInput", say("wrongPassword"), { field: "password" });
      }
      c.failures[key] = 0;
      audit(c, s.locked ? "unlock" : "reauthenticate", "ok", s.username);
      s.locked = false;
      startSession();
      return null;
    },
    logout: () => {
      signedIn();
      audit(c, "logout", "ok");
      c.session = null;
      return null;
    },
    forgotPassword: async (identifier) => {
      await new Promise((r) => setTimeout(r, 400));
      if (!identifier.trim())
        fail("invalidInput", say("required", { field: "Username or email" }), {
          field: "identifier",
        });
      const s = c.staff.find((x) => x.username === identifier || x.email === identifier);
      audit(c, "forgot_password.requested", "accepted", s?.username ?? null, null, null);
      if (s?.email) {
        addEmail(c, {
          kind: "staff_reset",
          recipient: s.email,
          subject: "Reset your VetDesk password",
          ...resetEmail(c, s, c.settings.lifetimes.selfResetMinutes),
        });
      }
      const noMail = c.settings.mail.transport === "preview";
      return { message: say(noMail ? "forgotAnswerNoMail" : "forgotAnswer") };
    },
    passwordPolicy: () => ({
      minLength: c.settings.passwordMinLength,
      maxLength: passwordPolicy.maxLength,
    }),
    checkResetLink: (token) => {
      const l = c.links[token];
      if (!l || l.used || l.expiresAt <= now()) fail("tokenInvalid", say("tokenInvalid"));
      return { displayName: byId(l.staffId).displayName, expiresAt: l.expiresAt };
    },
    completeReset: (secret, password, confirm) => {
      let staff: StaffRow;
      let consume: () => void;
      if (secret.kind === "link") {
        const l = c.links[secret.token];
        if (!l || l.used || l.expiresAt <= now()) fail("tokenInvalid", say("tokenInvalid"));
        staff = byId(l.staffId);
        consume = () => (l.used = true);
      } else {
        const s = byUsername(secret.username);
        const code = s ? c.codes[s.id] : null;
        if (!s || !code || code.used || code.expiresAt <= now() || code.attempts >= 5)
          fail("tokenInvalid", say("tokenInvalid"));
        const norm = (v: string) => v.toUpperCase().replace(/[^A-Z0-9]/g, "");
        if (norm(code.code) !== norm(secret.code)) {
          code.attempts += 1;
          fail("tokenInvalid", say("tokenInvalid"));
        }
        staff = s;
        consume = () => (code.used = true);
      }
      checkNewPassword(c, password, confirm, [staff.username, "riverside"]);
      consume();
      c.passwords[staff.username] = password;
      if (c.session?.staffId === staff.id) c.session = null;
      audit(c, "password.reset", "success", staff.username, `via ${secret.kind}`, null);
      return null;
    },
    changePassword: (current, password, confirm) => {
      const s = byId(requireSession().staffId);
      const key = s.username.toLowerCase();
      // A wrong current password counts against the account's sign-in limit, as at sign-in.
      if ((c.failures[key] ?? 0) >= 3)
        fail("throttled", say("throttled", { seconds: 30 }), { retryAfterSecs: 30 });
      if (c.passwords[s.username] !== current) {
        c.failures[key] = (c.failures[key] ?? 0) + 1;
        audit(c, "password_changed", "refused", s.username);
        fail("invalidInput", say("currentPasswordWrong"), { field: "current" });
      }
      c.failures[key] = 0;
      checkNewPassword(c, password, confirm, [s.username, "riverside"]);
      c.passwords[s.username] = password;
      if (s.email)
        addEmail(c, {
          kind: "password_changed",
          recipient: s.email,
          subject: "Your VetDesk password was changed",
          ...mailBody(c, "Password changed", ["Your VetDesk password was just changed."]),
        });
      audit(c, "password_changed", "ok", s.username);
      return null;
    },
    pendingResetLink: () => {
      const token = c.pendingLink;
      c.pendingLink = null;
      return token;
    },
    listStaff: (query) => {
      requireManager("forbiddenStaffList");
      return c.staff
        .filter((s) => matches(query, s.displayName, s.username, s.email))
        .map((s) => ({ ...s }));
    },
    staffCard: (staffId) => {
      requireManager("forbiddenStaffList");
      if (c.failNext.staff_card) {
        delete c.failNext.staff_card;
        c.session = null;
        fail("notSignedIn", say("notSignedIn"));
      }
      return card(byId(staffId));
    },
    sendStaffReset: (staffId) => {
      const s = resettable(staffId);
      if (!s.email) fail("failed", say("noEmail", { name: s.displayName }));
      if (s.role === "admin") requireRecentPassword();
      const until = Math.max(c.cooldowns[s.id] ?? 0, c.hiddenCooldowns[s.id] ?? 0);
      if (until > now()) {
        const seconds = Math.ceil((until - now()) / 1000);
        fail("resendTooSoon", say("resendTooSoon", { seconds }), { retryAfterSecs: seconds });
      }
      const minutes = c.settings.lifetimes.adminResetMinutes;
      const e = addEmail(c, {
        kind: "staff_reset",
        recipient: s.email,
        subject: "Reset your VetDesk password",
        ...resetEmail(c, s, minutes),
      });
      c.resets[s.id] = e.id;
      c.cooldowns[s.id] = now() + MIN;
      audit(c, "staff_reset.sent", "queued", s.username, `Link valid ${minutes / 60} h`);
      return {
        maskedEmail: maskEmail(s.email),
        message: say(c.settings.mail.transport === "smtp" ? "resetSent" : "resetKeptInPreview", {
          email: maskEmail(s.email),
        }),
        resendAvailableAt: c.cooldowns[s.id],
        queued: false,
      };
    },
    issueOneTimeCode: (staffId) => {
      const s = resettable(staffId);
      requireRecentPassword();
      const code = CODES[c.codeCounter++ % CODES.length];
      const expiresAt = now() + c.settings.lifetimes.oneTimeCodeMinutes * MIN;
      c.codes[s.id] = { code, expiresAt, attempts: 0, used: false };
      audit(c, "one_time_code.issued", "ok", s.username);
      return { code, expiresAt };
    },
    updateStaffEmail: (staffId, email) => {
      const s = resettable(staffId);
      const v = email.trim();
      if (!v) fail("invalidInput", say("required", { field: "Email" }), { field: "email" });
      if (!EMAIL_RE.test(v) || v.length > 254)
        fail("invalidInput", say("invalidEmail", { field: "Email" }), { field: "email" });
      if (v.toLowerCase() === s.email?.toLowerCase()) return card(s);
      requireRecentPassword();
      s.email = v;
      audit(c, "staff.email_updated", "ok", s.username);
      return card(s);
    },
    getSettings: () => {
      requireAdmin();
      return structuredClone(c.settings);
    },
    settingsLimits: () => {
      requireAdmin();
      return structuredClone(settingsLimits);
    },
    saveSettings: (settings, smtpPassword) => {
      requireAdmin();
      const normalized = checkSettings(settings);
      requireRecentPassword();
      const next = structuredClone(settings);
      next.clinic.clinicUrl = normalized.clinicUrl;
      next.mail.dkim = normalized.dkim;
      // null keeps the stored password; "" removes it.
      next.mail.hasPassword =
        smtpPassword === null ? c.settings.mail.hasPassword : smtpPassword !== "";
      c.settings = next;
      c.info.mailTransport = next.mail.transport;
      c.info.clinicName = next.clinic.name;
      c.info.windowTitle = windowTitle(next.clinic.name, c.info.demo);
      audit(c, "settings.saved", "ok");
      return structuredClone(c.settings);
    },
    sendTestEmail: (to) => {
      requireAdmin();
      if (!EMAIL_RE.test(to))
        fail("invalidInput", say("invalidEmail", { field: "Recipient" }), { field: "to" });
      const m = c.settings.mail;
      if (m.transport === "smtp") {
        audit(c, "test_email", "failed", to, `Connection refused by ${m.host}:${m.port}`);
        fail("failed", say("smtpUnreachable", { endpoint: `${m.host}:${m.port}` }));
      }
      addEmail(c, {
        kind: "test_message",
        recipient: to,
        subject: "Test email from VetDesk",
        ...mailBody(c, "VetDesk test email", [
          "This is a test email from VetDesk. Email delivery is working.",
        ]),
      });
      return { message: say("testEmailPreview") };
    },
    listActivity: (query) => {
      requireManager("forbiddenActivity");
      return c.audit
        .filter((a) =>
          matches(query, a.actor, a.subject, a.action, a.outcome, a.detail, a.workstation),
        )
        .sort((a, b) => b.at - a.at)
        .map((a) => ({ ...a }));
    },
    listEmails: (query) => {
      requireManager("forbiddenActivity");
      return c.emails
        .map(emailView)
        .filter((e) => matches(query, e.recipient, e.subject, e.status, e.kind));
    },
    listPreviewMail: () => {
      requireSession();
      return c.preview.map(({ id, to, subject, date }) => ({ id, to, subject, date }));
    },
    readPreviewMail: (id) => {
      requireSession();
      const m = c.preview.find((x) => x.id === id) ?? fail("notFound", say("previewNotFound"));
      return { ...m };
    },
  });
}
