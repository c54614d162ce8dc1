// A few hours of clinic history, so every screen has something to show.
import { MIN, now, type Clinic, type NewEmail } from "./clinic";
import { seedClients } from "./client-seed";
import { addEmail, BOUNCED, mailBody, resetEmail } from "./outbox";

const HOUR = 3600_000;
const RESET_SUBJECT = "Reset your VetDesk password";

function person(c: Clinic, username: string) {
  const s = c.staff.find((x) => x.username === username);
  if (!s?.email) throw new Error(`the seed needs ${username} with an email`);
  return { ...s, email: s.email };
}

function seedMail(c: Clinic, t: number) {
  const riley = person(c, "rpatel");
  const casey = person(c, "cnguyen");
  const jamie = person(c, "jortiz");
  const staffReset = (
    who: { id: number; email: string },
    hoursAgo: number,
    rest: Partial<NewEmail>,
  ) => {
    c.resets[who.id] = addEmail(c, {
      kind: "staff_reset",
      subject: RESET_SUBJECT,
      fixed: true,
      recipient: who.email,
      createdAt: t - hoursAgo * HOUR,
      ...rest,
    }).id;
  };
  staffReset(riley, 3, { status: "failed", attempts: 5, lastError: BOUNCED });
  staffReset(casey, 26, { status: "expired" });
  // Sent while the clinic still had SMTP set up.
  staffReset(jamie, 20, {
    status: "sent",
    deliveredVia: "smtp",
    attempts: 1,
    sentAt: t - 20 * HOUR + 4000,
    ...resetEmail(c, jamie, 1440, t - 20 * HOUR),
  });
  addEmail(c, {
    kind: "password_changed",
    recipient: "p.shah@riverside-vet.example",
    subject: "Your VetDesk password was changed",
    createdAt: t - 2 * HOUR,
    fixed: true,
    status: "sent",
    deliveredVia: "preview",
    attempts: 1,
    sentAt: t - 2 * HOUR + 3000,
    ...mailBody(c, "Your VetDesk password was changed", [
      "Hello Priya Shah,",
      "The password for your VetDesk account was just changed, and every other session was signed out.",
      "If this wasn't you, call the clinic's office manager straight away.",
    ]),
  });
  c.preview.push({
    id: "eml-plain",
    to: "front.desk@riverside-vet.example",
    subject: "VetDesk test email",
    date: null,
    text: "This is a plain-text test email from VetDesk.",
    html: null,
  });
  addEmail(c, {
    kind: "portal_invite",
    recipient: "owner.jones@example.com",
    subject: "You're invited to the Riverside patient portal",
    createdAt: t - 90 * MIN,
    fixed: true,
    status: "queued",
    attempts: 2,
    lastError: "421 4.7.0 Try again later",
  });
}

type Event = [number, string | null, string | null, string, string, string?, string?];

// [minutes ago, actor, subject, action, outcome, detail, workstation]
const EVENTS: Event[] = [
  [5, "amorgan", null, "login", "ok"],
  [
    40,
    null,
    "pshah",
    "forgot_password.requested",
    "accepted",
    "Reset link queued to the registered email",
  ],
  [118, "pshah", "pshah", "password.reset", "success", "All other sessions ended"],
  [
    180,
    "ochen",
    "rpatel",
    "staff_reset.sent",
    "failed",
    "550 5.1.1 Mailbox unavailable",
    "OFFICE-2",
  ],
  [
    200,
    null,
    "unknown-user",
    "forgot_password.requested",
    "accepted",
    "No matching account; nothing sent",
  ],
  [260, null, "dkim", "login", "throttled", "5 failed attempts in 10 minutes", "EXAM-3"],
  [1200, "amorgan", "jortiz", "staff_reset.sent", "sent", "Admin-sent link, valid 24 h"],
  [
    1560,
    "amorgan",
    "cnguyen",
    "staff_reset.expired",
    "expired",
    "Link expired before delivery; not sent",
  ],
];

export function seed(c: Clinic) {
  const t = now();
  seedMail(c, t);
  seedClients(c, t);
  const jordan = person(c, "jsmith").id;
  c.links["link-valid-token"] = { staffId: jordan, expiresAt: t + 25 * MIN, used: false };
  c.links["link-expired-token"] = { staffId: jordan, expiresAt: t - MIN, used: false };
  for (const [minsAgo, actor, subject, action, outcome, detail, ws] of EVENTS) {
    c.audit.push({
      id: c.nextAuditId++,
      at: t - minsAgo * MIN,
      actor,
      subject,
      action,
      outcome,
      workstation: ws ?? "FRONT-DESK-1",
      detail: detail ?? null,
    });
  }
}
