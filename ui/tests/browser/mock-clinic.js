// An in-memory clinic behind mockIPC, so every screen can be driven without the Rust back end.
// Loaded by the test server before the production bundle; the tests read `window.__clinic`.
import { mockIPC } from "/__test/tauri/mocks.js";
import { emit } from "/__test/tauri/event.js";

const config = window.__MOCK_CONFIG__ ?? {};
const MIN = 60_000;
const now = () => Date.now();

const DEMO_PASSWORD = "kennel clipboard sunrise";
const FORGOT_MESSAGE =
  "If an account matches, we've sent a link to its registered email. Check your spam/junk folder.";
const TOKEN_INVALID =
  "This reset link or code is no longer valid: it has expired, was already used, or was replaced by a newer one. Request a new one.";
const COMMON = ["password123456789", "123456789012345", "qwertyuiopasdfgh", "iloveyouiloveyou"];

const fail = (code, message, retryAfterSecs = null) => {
  throw { code, message, retryAfterSecs };
};

const state = {
  info: {
    clinicName: "Riverside Veterinary Clinic",
    version: "0.1.0",
    database: "local",
    mailTransport: config.mailTransport ?? "preview",
  },
  session: null,
  failures: {},
  staff: [
    ["amorgan", "Alex Morgan", "admin", "a.morgan@riverside-vet.example"],
    ["ochen", "Olivia Chen", "officeManager", "o.chen@riverside-vet.example"],
    ["jsmith", "Jordan Smith", "veterinarian", "j.smith@riverside-vet.example"],
    ["tlee", "Taylor Lee", "technician", null],
    ["rpatel", "Riley Patel", "receptionist", "r.patel@bounce.example"],
    ["srivera", "Sam Rivera", "admin", "s.rivera@riverside-vet.example"],
    ["cnguyen", "Casey Nguyen", "veterinarian", "c.nguyen@riverside-vet.example"],
    ["mblake", "Morgan Blake", "receptionist", "m.blake@riverside-vet.example", "disabled"],
    ["jortiz", "Jamie Ortiz", "technician", "j.ortiz@riverside-vet.example"],
    ["dkim", "Drew Kim", "receptionist", "d.kim@riverside-vet.example"],
    ["pshah", "Priya Shah", "veterinarian", "p.shah@riverside-vet.example"],
    ["abrooks", "Avery Brooks", "technician", "a.brooks@riverside-vet.example"],
  ].map(([username, displayName, role, email, status], i) => ({
    id: i + 1,
    username,
    displayName,
    role,
    email,
    status: status ?? "active",
  })),
  passwords: {},
  resets: {},
  cooldowns: {},
  hiddenCooldowns: {},
  codes: {},
  links: {},
  emails: [],
  preview: [],
  audit: [],
  nextEmailId: 100,
  nextAuditId: 1000,
  codeCounter: 0,
  settings: {
    clinic: {
      name: "Riverside Veterinary Clinic",
      phone: "+1 555 0142",
      email: "front.desk@riverside-vet.example",
      address: "14 Mill Lane, Riverside",
      clinicUrl: null,
    },
    mail: {
      transport: config.mailTransport ?? "preview",
      host: "",
      port: 587,
      security: "startTls",
      username: null,
      fromName: "Riverside Veterinary Clinic",
      fromAddress: "no-reply@riverside-vet.example",
      replyTo: "front.desk@riverside-vet.example",
      hasPassword: false,
    },
    lifetimes: {
      selfResetMinutes: 30,
      adminResetMinutes: 1440,
      portalResetMinutes: 60,
      portalInviteMinutes: 10080,
      oneTimeCodeMinutes: 15,
    },
    passwordMinLength: 15,
    breachCheckUrl: null,
  },
  calls: [],
  failNext: {},
  pendingLink: config.pendingLink ?? null,
};

for (const s of state.staff) state.passwords[s.username] = DEMO_PASSWORD;

const byId = (id) =>
  state.staff.find((s) => s.id === id) ?? fail("notFound", "That staff member no longer exists.");
const byUsername = (u) =>
  state.staff.find((s) => s.username.toLowerCase() === String(u).toLowerCase());
const mask = (email) => `${email[0]}•••@${email.slice(email.lastIndexOf("@") + 1)}`;
const isManager = (role) => role === "admin" || role === "officeManager";

function audit(
  action,
  outcome,
  subject = null,
  detail = null,
  actor = state.session?.username ?? null,
) {
  state.audit.unshift({
    id: state.nextAuditId++,
    at: now(),
    actor,
    subject,
    action,
    outcome,
    workstation: "FRONT-DESK-1",
    detail,
  });
}

/** Delivery progresses with time, as the outbox dispatcher would move it. */
function emailView(e) {
  if (e.fixed) return e;
  const age = now() - e.createdAt;
  if (age < 1200) return { ...e, status: "queued", attempts: 0, sentAt: null };
  if (age < 2400) return { ...e, status: "sending", attempts: 1, sentAt: null };
  if (e.recipient.endsWith("@bounce.example"))
    return {
      ...e,
      status: "failed",
      attempts: 1,
      sentAt: null,
      lastError: "550 5.1.1 Mailbox unavailable: the recipient address was rejected",
    };
  return { ...e, status: "sent", attempts: 1, sentAt: e.createdAt + 2400 };
}

function addEmail({
  kind,
  recipient,
  subject,
  createdAt = now(),
  fixed = false,
  status,
  sentAt = null,
  lastError = null,
  attempts = 0,
  text,
  html,
}) {
  const e = {
    id: state.nextEmailId++,
    kind,
    recipient,
    subject,
    createdAt,
    fixed,
    status: status ?? "queued",
    sentAt,
    lastError,
    attempts,
  };
  state.emails.unshift(e);
  if (text) {
    state.preview.unshift({
      id: `eml-${e.id}`,
      to: recipient,
      subject,
      date: createdAt,
      text,
      html,
    });
  }
  return e;
}

function mailBody(title, lines, action) {
  const text = `${title}\n\n${lines.join("\n\n")}${action ? `\n\n${action.label}: ${action.url}` : ""}\n\n${state.settings.clinic.name}\n${state.settings.clinic.phone}`;
  const html = `<!doctype html><html><body>
<table role="presentation" width="100%" style="background:#f3f6f7;padding:24px;font-family:Arial,sans-serif"><tr><td>
<table role="presentation" width="560" align="center" style="background:#ffffff;border-radius:8px;padding:28px">
<tr><td><h1 style="font-size:20px;color:#064848">${title}</h1>
${lines.map((l) => `<p style="font-size:15px;line-height:1.5;color:#1b2a31">${l}</p>`).join("\n")}
${action ? `<p><a href="${action.url}" style="display:inline-block;background:#0b6b6b;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${action.label}</a></p>` : ""}
<p style="font-size:13px;color:#56666e">${state.settings.clinic.name} · ${state.settings.clinic.phone}</p>
</td></tr></table></td></tr></table></body></html>`;
  return { text, html };
}

function resetEmail(staff, minutes, createdAt = now()) {
  const token = `tok-${staff.username}-${createdAt}`;
  state.links[token] = { staffId: staff.id, expiresAt: createdAt + minutes * MIN, used: false };
  for (const [t, l] of Object.entries(state.links))
    if (t !== token && l.staffId === staff.id) l.used = true;
  const body = mailBody(
    "Reset your VetDesk password",
    [
      `Hello ${staff.displayName},`,
      `A password reset was requested for your VetDesk account (${staff.username}). The link below works once and expires in ${minutes >= 120 ? `${minutes / 60} hours` : `${minutes} minutes`}.`,
      "If you didn't ask for this, you can ignore this email.",
    ],
    { label: "Set a new password", url: `vetdesk://reset?token=${token}` },
  );
  return { token, ...body };
}

function seed() {
  const t = now();
  const riley = byUsername("rpatel");
  const casey = byUsername("cnguyen");
  const jamie = byUsername("jortiz");
  const failed = addEmail({
    kind: "staff_reset",
    recipient: riley.email,
    subject: "Reset your VetDesk password",
    createdAt: t - 3 * 3600_000,
    fixed: true,
    status: "failed",
    attempts: 5,
    lastError: "550 5.1.1 Mailbox unavailable: the recipient address was rejected",
  });
  state.resets[riley.id] = failed.id;
  const expired = addEmail({
    kind: "staff_reset",
    recipient: casey.email,
    subject: "Reset your VetDesk password",
    createdAt: t - 26 * 3600_000,
    fixed: true,
    status: "expired",
    attempts: 0,
  });
  state.resets[casey.id] = expired.id;
  const body = resetEmail(jamie, 1440, t - 20 * 3600_000);
  const sent = addEmail({
    kind: "staff_reset",
    recipient: jamie.email,
    subject: "Reset your VetDesk password",
    createdAt: t - 20 * 3600_000,
    fixed: true,
    status: "sent",
    attempts: 1,
    sentAt: t - 20 * 3600_000 + 4000,
    ...body,
  });
  state.resets[jamie.id] = sent.id;
  const changed = mailBody("Your VetDesk password was changed", [
    "Hello Priya Shah,",
    "The password for your VetDesk account was just changed, and every other session was signed out.",
    "If this wasn't you, call the clinic's office manager straight away.",
  ]);
  addEmail({
    kind: "password_changed",
    recipient: "p.shah@riverside-vet.example",
    subject: "Your VetDesk password was changed",
    createdAt: t - 2 * 3600_000,
    fixed: true,
    status: "sent",
    attempts: 1,
    sentAt: t - 2 * 3600_000 + 3000,
    ...changed,
  });
  state.preview.push({
    id: "eml-plain",
    to: "front.desk@riverside-vet.example",
    subject: "VetDesk test email",
    date: null,
    text: "This is a plain-text test email from VetDesk.",
    html: null,
  });
  addEmail({
    kind: "portal_invite",
    recipient: "owner.jones@example.com",
    subject: "You're invited to the Riverside patient portal",
    createdAt: t - 90 * MIN,
    fixed: true,
    status: "queued",
    attempts: 2,
    lastError: "421 4.7.0 Try again later",
  });

  state.links["link-valid-token"] = {
    staffId: byUsername("jsmith").id,
    expiresAt: t + 25 * MIN,
    used: false,
  };
  state.links["link-expired-token"] = {
    staffId: byUsername("jsmith").id,
    expiresAt: t - MIN,
    used: false,
  };

  const ev = (minsAgo, actor, subject, action, outcome, detail = null, ws = "FRONT-DESK-1") =>
    state.audit.push({
      id: state.nextAuditId++,
      at: t - minsAgo * MIN,
      actor,
      subject,
      action,
      outcome,
      workstation: ws,
      detail,
    });
  ev(5, "amorgan", null, "login", "ok");
  ev(
    40,
    null,
    "pshah",
    "forgot_password.requested",
    "accepted",
    "Reset link queued to the registered email",
  );
  ev(118, "pshah", "pshah", "password.reset", "success", "All other sessions ended");
  ev(
    180,
    "ochen",
    "rpatel",
    "staff_reset.sent",
    "failed",
    "550 5.1.1 Mailbox unavailable",
    "OFFICE-2",
  );
  ev(
    200,
    null,
    "unknown-user",
    "forgot_password.requested",
    "accepted",
    "No matching account; nothing sent",
  );
  ev(260, null, "dkim", "login", "throttled", "5 failed attempts in 10 minutes", "EXAM-3");
  ev(1200, "amorgan", "jortiz", "staff_reset.sent", "sent", "Admin-sent link, valid 24 h");
  ev(
    1560,
    "amorgan",
    "cnguyen",
    "staff_reset.expired",
    "expired",
    "Link expired before delivery; not sent",
  );
}
seed();

function card(staff) {
  const me = state.session;
  const canReset = me.role === "admin" || (me.role === "officeManager" && staff.role !== "admin");
  const emailId = state.resets[staff.id];
  const e = emailId ? state.emails.find((x) => x.id === emailId) : null;
  let lastReset = null;
  if (e) {
    const v = emailView(e);
    lastReset = {
      emailId: v.id,
      queuedAt: v.createdAt,
      sentAt: v.sentAt,
      status: v.status,
      lastError: v.lastError,
    };
  }
  const cd = state.cooldowns[staff.id];
  return {
    staff: { ...staff },
    lastReset,
    canReset,
    resendAvailableAt: cd && cd > now() ? cd : null,
  };
}

function requireSession() {
  if (!state.session) fail("notSignedIn", "You're not signed in.");
  return state.session;
}
function requireManager() {
  const s = requireSession();
  if (!isManager(s.role)) fail("forbidden", "Only an office manager or admin can do that.");
  return s;
}
function requireAdmin() {
  const s = requireSession();
  if (s.role !== "admin") fail("forbidden", "Only an admin can change settings.");
  return s;
}
const matches = (q, ...fields) => {
  const needle = String(q ?? "")
    .trim()
    .toLowerCase();
  return !needle || fields.some((f) => f != null && String(f).toLowerCase().includes(needle));
};

const handlers = {
  app_info: () => ({ ...state.info }),
  current_session: () => (state.session ? { ...state.session } : null),
  login: ({ username, password }) => {
    const key = String(username).toLowerCase();
    if ((state.failures[key] ?? 0) >= 3) {
      audit("login", "throttled", key, null, null);
      fail("throttled", "Too many sign-in attempts for this account.", 30);
    }
    const s = byUsername(username);
    if (!s || s.status !== "active" || state.passwords[s.username] !== password) {
      state.failures[key] = (state.failures[key] ?? 0) + 1;
      audit("login", "failed", key, null, null);
      fail(
        "invalidCredentials",
        "That username and password don't match. Check both and try again.",
      );
    }
    state.failures[key] = 0;
    state.session = {
      staffId: s.id,
      username: s.username,
      displayName: s.displayName,
      role: s.role,
    };
    audit("login", "ok");
    return { ...state.session };
  },
  logout: () => {
    requireSession();
    audit("logout", "ok");
    state.session = null;
    return null;
  },
  forgot_password: async ({ identifier }) => {
    await new Promise((r) => setTimeout(r, 400));
    const s = state.staff.find(
      (x) => x.username === identifier || (x.email && x.email === identifier),
    );
    audit("forgot_password.requested", "accepted", s?.username ?? null, null, null);
    if (s && s.email) {
      const body = resetEmail(s, state.settings.lifetimes.selfResetMinutes);
      addEmail({
        kind: "staff_reset",
        recipient: s.email,
        subject: "Reset your VetDesk password",
        ...body,
      });
    }
    return { message: FORGOT_MESSAGE };
  },
  pending_reset_link: () => {
    const token = state.pendingLink;
    state.pendingLink = null;
    return token;
  },
  password_policy: () => ({ minLength: state.settings.passwordMinLength, maxLength: 64 }),
  check_reset_link: ({ token }) => {
    const l = state.links[token];
    if (!l || l.used || l.expiresAt <= now()) fail("tokenInvalid", TOKEN_INVALID);
    return { displayName: byId(l.staffId).displayName, expiresAt: l.expiresAt };
  },
  complete_reset: ({ secret, password, confirm }) => {
    let staff;
    let consume;
    if (secret.kind === "link") {
      const l = state.links[secret.token];
      if (!l || l.used || l.expiresAt <= now()) fail("tokenInvalid", TOKEN_INVALID);
      staff = byId(l.staffId);
      consume = () => (l.used = true);
    } else {
      const s = byUsername(secret.username);
      const c = s ? state.codes[s.id] : null;
      if (!c || c.used || c.expiresAt <= now() || c.attempts >= 5)
        fail("tokenInvalid", TOKEN_INVALID);
      const norm = (v) =>
        String(v)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, "");
      if (norm(c.code) !== norm(secret.code)) {
        c.attempts += 1;
        fail("tokenInvalid", TOKEN_INVALID);
      }
      staff = s;
      consume = () => (c.used = true);
    }
    if (password !== confirm)
      fail(
        "passwordMismatch",
        "The two passwords don't match. Type the same password in both fields.",
      );
    const n = Array.from(password.normalize("NFC")).length;
    const min = state.settings.passwordMinLength;
    if (n < min)
      fail(
        "weakPassword",
        `This password is too short. Use at least ${min} characters; a few unrelated words work well.`,
      );
    if (n > 64) fail("weakPassword", "This password is too long. Use at most 64 characters.");
    const lower = password.toLowerCase();
    if (COMMON.includes(lower) || lower.includes(staff.username) || lower.includes("riverside"))
      fail(
        "weakPassword",
        "This password is too easy to guess: it is a common or leaked password, or contains your name or the clinic's. Try a few unrelated words.",
      );
    consume();
    state.passwords[staff.username] = password;
    if (state.session && state.session.staffId === staff.id) state.session = null;
    audit("password.reset", "success", staff.username, `via ${secret.kind}`, null);
    return null;
  },
  list_staff: ({ query }) => {
    requireManager();
    return state.staff
      .filter((s) => matches(query, s.displayName, s.username, s.email))
      .map((s) => ({ ...s }));
  },
  staff_card: ({ staffId }) => {
    requireManager();
    if (state.failNext.staff_card) {
      const e = state.failNext.staff_card;
      delete state.failNext.staff_card;
      if (e === "notSignedIn") state.session = null;
      fail(e, e === "notSignedIn" ? "Your session has ended." : "Something failed.");
    }
    return card(byId(staffId));
  },
  send_staff_reset: ({ staffId }) => {
    requireManager();
    const s = byId(staffId);
    if (!card(s).canReset) fail("forbidden", "Office managers can't reset an admin's password.");
    if (!s.email) fail("noEmail", `There's no email address on file for ${s.displayName}.`);
    const until = Math.max(state.cooldowns[s.id] ?? 0, state.hiddenCooldowns[s.id] ?? 0);
    if (until > now()) {
      const secs = Math.ceil((until - now()) / 1000);
      fail(
        "resendTooSoon",
        `A reset email went to ${mask(s.email)} less than a minute ago. You can send another in ${secs} s.`,
        secs,
      );
    }
    const minutes = state.settings.lifetimes.adminResetMinutes;
    const body = resetEmail(s, minutes);
    const e = addEmail({
      kind: "staff_reset",
      recipient: s.email,
      subject: "Reset your VetDesk password",
      ...body,
    });
    state.resets[s.id] = e.id;
    state.cooldowns[s.id] = now() + MIN;
    audit("staff_reset.sent", "queued", s.username, `Link valid ${minutes / 60} h`);
    return {
      maskedEmail: mask(s.email),
      message: `Reset password link has been sent to ${mask(s.email)}`,
      resendAvailableAt: state.cooldowns[s.id],
    };
  },
  issue_one_time_code: ({ staffId }) => {
    requireManager();
    const s = byId(staffId);
    if (!card(s).canReset) fail("forbidden", "Office managers can't reset an admin's password.");
    const codes = ["K7P2-9XQM", "H4TR-6WZD", "Q9LC-3VNB", "M2XJ-8KFT"];
    const code = codes[state.codeCounter++ % codes.length];
    const expiresAt = now() + state.settings.lifetimes.oneTimeCodeMinutes * MIN;
    state.codes[s.id] = { code, expiresAt, attempts: 0, used: false };
    audit("one_time_code.issued", "ok", s.username);
    return { code, expiresAt };
  },
  update_staff_email: ({ staffId, email }) => {
    requireManager();
    const s = byId(staffId);
    if (!card(s).canReset) fail("forbidden", "Office managers can't change an admin's email.");
    const v = String(email).trim();
    if (!/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(v) || v.length > 254)
      fail("invalidInput", "Enter a valid email address, like name@example.com.");
    s.email = v;
    audit("staff.email_updated", "ok", s.username);
    return card(s);
  },
  get_settings: () => {
    requireAdmin();
    return structuredClone(state.settings);
  },
  save_settings: ({ settings, smtpPassword }) => {
    requireAdmin();
    if (settings.passwordMinLength < 8)
      fail("invalidInput", "Password minimum length must be at least 8.");
    if (settings.breachCheckUrl && !settings.breachCheckUrl.startsWith("https://"))
      fail("invalidInput", "The breach check URL must start with https://.");
    if (settings.mail.transport === "smtp" && !settings.mail.host)
      fail("invalidInput", "Enter the SMTP host.");
    const next = structuredClone(settings);
    // null keeps the stored password; "" removes it.
    next.mail.hasPassword =
      smtpPassword === null ? state.settings.mail.hasPassword : smtpPassword !== "";
    state.settings = next;
    state.info.mailTransport = next.mail.transport;
    state.info.clinicName = next.clinic.name;
    audit("settings.saved", "ok");
    return structuredClone(state.settings);
  },
  send_test_email: ({ to }) => {
    requireAdmin();
    const m = state.settings.mail;
    if (m.transport === "smtp") {
      audit("test_email", "failed", to, `Connection refused by ${m.host}:${m.port}`);
      fail(
        "mailFailed",
        `Could not connect to ${m.host}:${m.port}: connection refused. Check the host and port, and that this computer may reach the mail server.`,
      );
    }
    const body = mailBody("VetDesk test email", [
      "This is a test email from VetDesk. Email delivery is working.",
    ]);
    addEmail({ kind: "test_message", recipient: to, subject: "Test email from VetDesk", ...body });
    return {
      message: `Test email written to the preview outbox for ${to}. Open Mail preview to read it.`,
    };
  },
  list_activity: ({ query }) => {
    requireManager();
    return state.audit
      .filter((a) =>
        matches(query, a.actor, a.subject, a.action, a.outcome, a.detail, a.workstation),
      )
      .sort((a, b) => b.at - a.at)
      .map((a) => ({ ...a }));
  },
  list_emails: ({ query }) => {
    requireManager();
    return state.emails
      .map(emailView)
      .filter((e) => matches(query, e.recipient, e.subject, e.status, e.kind))
      .map(({ fixed, ...e }) => e);
  },
  list_preview_mail: () => {
    requireSession();
    return state.preview.map(({ id, to, subject, date }) => ({ id, to, subject, date }));
  },
  read_preview_mail: ({ id }) => {
    requireSession();
    const m = state.preview.find((x) => x.id === id);
    if (!m) fail("notFound", "That email is no longer in the preview outbox.");
    return { ...m };
  },
};

mockIPC(
  async (cmd, args) => {
    state.calls.push({ cmd, args: args === undefined ? null : JSON.parse(JSON.stringify(args)) });
    const handler = handlers[cmd];
    if (!handler) fail("internal", `The mock has no command ${cmd}.`);
    await new Promise((r) => setTimeout(r, 20));
    return handler(args ?? {});
  },
  { shouldMockEvents: true },
);

window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
  );
});

window.__clinic = {
  state,
  calls: (cmd) => state.calls.filter((c) => c.cmd === cmd).map((c) => c.args),
  // Like the desktop shell: keep the link for a window that is not listening yet, then emit.
  emitResetLink: (token) => {
    state.pendingLink = token;
    return emit("reset-link", { token });
  },
  setHiddenCooldown: (staffId, secs) => {
    state.hiddenCooldowns[staffId] = now() + secs * 1000;
  },
  failNext: (cmd, code) => {
    state.failNext[cmd] = code;
  },
  codeFor: (staffId) => state.codes[staffId]?.code ?? null,
  DEMO_PASSWORD,
  FORGOT_MESSAGE,
};
