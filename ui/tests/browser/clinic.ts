// The mock clinic's data: staff, sessions, secrets, the outbox and the audit log.
import type {
  DatabaseLocation,
  AppInfo,
  AuditRow,
  ClientProfile,
  DeliveredVia,
  EmailRow,
  EmailStatus,
  MailTransport,
  PreviewMail,
  QueuedAction,
  Role,
  SessionInfo,
  Settings,
  StaffRow,
  StaffStatus,
} from "../../src/bindings";
import { passwordPolicy } from "./messages";

/** `demo: false` is a real clinic: its preview outbox hides reset secrets. */
export type MockConfig = {
  mailTransport?: MailTransport;
  pendingLink?: string | null;
  demo?: boolean;
  /** A real clinic's first start: nobody has an account yet. */
  setupNeeded?: boolean;
  /** What the back end says when no system keyring answered. */
  keyringWarning?: string | null;
  /** The clinic's web address; portal emails cannot go out without it. */
  clinicUrl?: string | null;
  /** How often the bulk-invitation runner works its next client, in ms. */
  bulkTickMs?: number;
  /** What `{url}/healthz` answers, by clinic web address; any other address answers nothing. */
  clinicServers?: Record<string, ClinicServer>;
  /** The PostgreSQL servers Test connection reaches, by host, and what each holds. */
  databaseServers?: Record<string, "empty" | "vetdesk">;
  /** This workstation's clinic database is on the clinic's server (`SERVER`), so it can go
   * offline (offline-rules.ts); otherwise it is on this computer. */
  onServer?: boolean;
  /** This workstation holds the clinic's keys (keys-rules.ts); by default it does. */
  keysHeld?: boolean;
};

/** Where the mock's workstation keeps its files (Help › About). */
export const DATA_DIR = "/home/frontdesk/.local/share/app.vetdesk.desktop";

/** Where a clinic `onServer` keeps its database. */
const SERVER: DatabaseLocation = {
  kind: "server",
  host: "db.riverside.lan",
  port: 5432,
  database: "vetdesk",
  user: "frontdesk",
  tls: { mode: "verifyFull", caFile: null },
};

/** An action queued while offline, with whom it is by and for (a bulk invitation: its clients,
 * and subject 0). */
export type MockQueued = QueuedAction & {
  actorId: number;
  subjectId: number;
  clientIds?: number[];
};

/** A vetdesk-server as the clinic-URL check finds it. */
export type ClinicServer =
  | { kind: "vetdesk"; version: string; database: "ok" | "down" }
  | { kind: "other"; httpStatus: number }
  | { kind: "timeout" };

/** An outbox row; a `fixed` one keeps its status, the others move on with time. */
export type Email = EmailRow & { fixed: boolean };
export type Secret = { staffId: number; expiresAt: number; used: boolean };
export type Code = { code: string; expiresAt: number; attempts: number; used: boolean };
/** A client as the store keeps them, with their pets. */
export type MockClient = Pick<
  ClientProfile,
  "id" | "firstName" | "lastName" | "email" | "phone" | "address" | "pets"
>;
/** A patient-portal account: its username is the client's email in lower case. */
export type PortalAccount = { username: string; status: "invited" | "active" | "locked" };
/** How one client of a bulk invitation ended, as `BulkOutcome` names them. */
export type BulkOutcome =
  "sent" | "skippedNoEmail" | "skippedRegistered" | "skippedEmailInUse" | "failed";
/** A bulk invitation run as the store keeps it: one item per client, in order. */
export type BulkJob = {
  id: number;
  createdBy: string;
  createdAt: number;
  status: "running" | "cancelled" | "done";
  /** `at`: when the runner worked the client. */
  items: { clientId: number; outcome: BulkOutcome | null; at?: number }[];
};
/** A client's one live portal link; a newer one replaces it. */
/** `createdAt` is known for links the mock issued, not for the seeded ones. */
export type PortalLink = { invitation: boolean; expiresAt: number; createdAt?: number };

export const MIN = 60_000;
export const now = () => Date.now();
export const DEMO_PASSWORD = "kennel clipboard sunrise";

const STAFF: [string, string, Role, string | null, StaffStatus?][] = [
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
];

function initialSettings(transport: MailTransport, clinicUrl: string | null): Settings {
  return {
    clinic: {
      name: "Riverside Veterinary Clinic",
      phone: "+1 555 0142",
      email: "front.desk@riverside-vet.example",
      address: "14 Mill Lane, Riverside",
      clinicUrl,
    },
    mail: {
      transport,
      host: "",
      port: 587,
      security: "startTls",
      username: null,
      fromName: "Riverside Veterinary Clinic",
      fromAddress: "no-reply@riverside-vet.example",
      replyTo: "front.desk@riverside-vet.example",
      hasPassword: false,
      dkim: null,
    },
    lifetimes: {
      selfResetMinutes: 30,
      adminResetMinutes: 1440,
      portalResetMinutes: 60,
      portalInviteMinutes: 10080,
      oneTimeCodeMinutes: 15,
    },
    passwordMinLength: passwordPolicy.minLength,
    sessions: { idleLockMinutes: 10, maxHours: 12, offlineSignInDays: 7 },
    breachCheckUrl: null,
  };
}

/** The window's title, as the desktop shell words it. */
export const windowTitle = (clinicName: string, demo: boolean) =>
  demo ? "VetDesk — Demo clinic" : clinicName ? `VetDesk — ${clinicName}` : "VetDesk";

export function newClinic(config: MockConfig) {
  const transport = config.mailTransport ?? "preview";
  const setupNeeded = config.setupNeeded ?? false;
  const people = setupNeeded ? [] : STAFF;
  const staff: StaffRow[] = people.map(([username, displayName, role, email, status], i) => ({
    id: i + 1,
    username,
    displayName,
    role,
    email,
    status: status ?? "active",
  }));
  const onServer = config.onServer ?? false;
  const clinicName = setupNeeded ? "" : "Riverside Veterinary Clinic";
  const demo = setupNeeded ? false : (config.demo ?? true);
  const info: AppInfo = {
    clinicName,
    windowTitle: windowTitle(clinicName, demo),
    version: "0.1.0",
    database: onServer ? "remote" : "local",
    databaseName: onServer ? "vetdesk on db.riverside.lan" : null,
    mailTransport: transport,
    setupNeeded,
    demo,
    keyringWarning: config.keyringWarning ?? null,
    idleLockMinutes: 10,
    activityReportSecs: 30,
  };
  return {
    info,
    session: null as SessionInfo | null,
    /** When the signed-in person last entered their password, and was last seen at work. */
    authenticatedAt: 0,
    activeAt: 0,
    failures: {} as Record<string, number>,
    staff,
    passwords: Object.fromEntries(staff.map((s) => [s.username, DEMO_PASSWORD])),
    resets: {} as Record<number, number>,
    cooldowns: {} as Record<number, number>,
    hiddenCooldowns: {} as Record<number, number>,
    codes: {} as Record<number, Code>,
    links: {} as Record<string, Secret>,
    emails: [] as Email[],
    clients: [] as MockClient[],
    portalAccounts: {} as Record<number, PortalAccount>,
    portalLinks: {} as Record<number, PortalLink>,
    /** Each client's newest portal email, by outbox id. */
    portalEmails: {} as Record<number, number>,
    preview: [] as PreviewMail[],
    audit: [] as AuditRow[],
    nextEmailId: 100,
    nextAuditId: 1000,
    codeCounter: 0,
    settings: initialSettings(transport, config.clinicUrl ?? null),
    bulkJobs: [] as BulkJob[],
    nextBulkId: 1,
    bulkTickMs: config.bulkTickMs ?? 120,
    clinicServers: { ...(config.clinicServers ?? {}) } as Record<string, ClinicServer>,
    databaseServers: {
      ...(onServer ? { "db.riverside.lan": "vetdesk" } : {}),
      ...(config.databaseServers ?? {}),
    } as Record<string, "empty" | "vetdesk">,
    /** Where this workstation's clinic database is, and the server password in its keyring. */
    database: (onServer ? SERVER : { kind: "local" }) as DatabaseLocation,
    databasePassword: (onServer ? "harbor lantern" : null) as string | null,
    /** Since when the clinic's server has not answered; null while it does (offline-rules.ts). */
    offlineSince: null as number | null,
    /** When this computer's copy of the clinic on the server was last refreshed. */
    copyRefreshedAt: onServer ? now() - 2 * MIN : (null as number | null),
    /** What this workstation queued while offline, oldest first. */
    queued: [] as MockQueued[],
    nextQueuedId: 1,
    /** This workstation's outbox key is the one the clinic database records. */
    keysHeld: config.keysHeld ?? true,
    /** This workstation's keyring: the DKIM private key, as stored. */
    dkimKey: null as string | null,
    generatedKeys: 0,
    calls: [] as { cmd: string; args: unknown }[],
    failNext: {} as Record<string, "notSignedIn">,
    pendingLink: config.pendingLink ?? null,
  };
}

export type Clinic = ReturnType<typeof newClinic>;

export type NewEmail = {
  kind: string;
  recipient: string;
  subject: string;
  createdAt?: number;
  fixed?: boolean;
  status?: EmailStatus;
  sentAt?: number | null;
  lastError?: string | null;
  attempts?: number;
  deliveredVia?: DeliveredVia;
  text?: string;
  html?: string;
};
