// Bulk portal invitations with the core's rules (recovery/bulk.rs): office managers and admins
// only, the clinic URL first, a run stored with one item per client, and a runner on this
// workstation that works one client at a time until the run is done or cancelled. A reload of
// the page stands for a restart of the app: runs are kept in sessionStorage and resume.
import type { BulkProgress, BulkSelection, ClientCursor, SessionInfo } from "../../src/bindings";
import { now, type BulkJob, type BulkOutcome, type Clinic } from "./clinic";
import { fullName, issuePortalLink, usernameTakenByOther } from "./client-rules";
import type { Handlers } from "./handlers";
import { fail, say, type MessageKey } from "./messages";
import { audit } from "./outbox";
import { EMAIL_RE } from "./settings-rules";

type BulkCommands =
  "startBulkInvite" | "bulkInviteProgress" | "cancelBulkInvite" | "runningBulkInvites";

const BULK_MAX = 100_000;
const NOT_SENT_SHOWN = 200;

const REASONS: Record<Exclude<BulkOutcome, "sent">, MessageKey> = {
  skippedNoEmail: "bulkNoEmail",
  skippedRegistered: "bulkRegistered",
  skippedEmailInUse: "bulkEmailInUse",
  failed: "bulkFailed",
};

export type BulkGuards = {
  requireSession: () => SessionInfo;
  search: Handlers["searchClients"];
};

const storageKey = (c: Clinic) => `vetdesk-mock-bulk-${c.info.demo ? "demo" : "own"}`;

function save(c: Clinic) {
  const kept = { jobs: c.bulkJobs, nextBulkId: c.nextBulkId };
  sessionStorage.setItem(storageKey(c), JSON.stringify(kept));
}

/**
 * Brings back the runs a reload interrupted, and the invitations they had sent, since the
 * rest of the clinic starts afresh on every page load.
 */
export function restoreBulkJobs(c: Clinic) {
  const raw = sessionStorage.getItem(storageKey(c));
  if (!raw) return;
  const kept = JSON.parse(raw) as { jobs: BulkJob[]; nextBulkId: number };
  c.bulkJobs = kept.jobs;
  c.nextBulkId = kept.nextBulkId;
  for (const job of c.bulkJobs) {
    for (const item of job.items) {
      const x = c.clients.find((k) => k.id === item.clientId);
      if (item.outcome === "sent" && x?.email && !c.portalAccounts[x.id])
        issuePortalLink(c, x, x.email, true, job.createdBy, item.at ?? job.createdAt);
    }
  }
}

function outcomeOf(c: Clinic, job: BulkJob, clientId: number): BulkOutcome {
  const x = c.clients.find((k) => k.id === clientId);
  if (!x) return "failed";
  if (!x.email) return "skippedNoEmail";
  const account = c.portalAccounts[x.id];
  if (account) {
    // An invitation this run sent before an interruption counts as sent, never twice.
    const link = c.portalLinks[x.id];
    const ours =
      account.status === "invited" &&
      link !== undefined &&
      link.expiresAt > now() &&
      (link.createdAt ?? 0) >= job.createdAt;
    return ours ? "sent" : "skippedRegistered";
  }
  if (!EMAIL_RE.test(x.email)) return "failed";
  if (usernameTakenByOther(c, x.id, x.email)) return "skippedEmailInUse";
  issuePortalLink(c, x, x.email, true, job.createdBy);
  return "sent";
}

/** Works the next client of the oldest running run; answers whether there was one. */
function workOne(c: Clinic): boolean {
  const job = c.bulkJobs.find((j) => j.status === "running");
  if (!job) return false;
  const item = job.items.find((i) => i.outcome === null);
  if (item) {
    item.outcome = outcomeOf(c, job, item.clientId);
    item.at = now();
  }
  if (job.items.every((i) => i.outcome !== null)) job.status = "done";
  save(c);
  return true;
}

/** Whether the runner's next tick is scheduled. */
const ticking = new WeakSet<Clinic>();

/**
 * The workstation's runner: one client every `c.bulkTickMs`, read afresh each time, while a
 * run is running. It has no timer otherwise, so that screens without a run see no timers of
 * the mock's own (tests that move the page's clock count on that).
 */
export function startBulkRunner(c: Clinic) {
  if (ticking.has(c) || !c.bulkJobs.some((j) => j.status === "running")) return;
  ticking.add(c);
  const tick = () => {
    if (workOne(c)) {
      window.setTimeout(tick, c.bulkTickMs);
    } else {
      ticking.delete(c);
    }
  };
  window.setTimeout(tick, c.bulkTickMs);
}

export function progressOf(c: Clinic, job: BulkJob): BulkProgress {
  const count = (pick: (o: BulkOutcome) => boolean) =>
    job.items.filter((i) => i.outcome !== null && pick(i.outcome)).length;
  const notSent = job.items
    .filter((i) => i.outcome !== null && i.outcome !== "sent")
    .slice(0, NOT_SENT_SHOWN)
    .map((i) => {
      const x = c.clients.find((k) => k.id === i.clientId);
      const name = x ? fullName(x.firstName, x.lastName) : "";
      const reason = say(REASONS[i.outcome as Exclude<BulkOutcome, "sent">]);
      return { clientId: i.clientId, name: name || say("bulkRemovedClient"), reason };
    });
  return {
    id: job.id,
    status: job.status,
    total: job.items.length,
    sent: count((o) => o === "sent"),
    skipped: count((o) => o.startsWith("skipped")),
    failed: count((o) => o === "failed"),
    notSent,
  };
}

/**
 * The clients a selection reaches, after the checks a run is stored under, as the core's
 * `bulk_clients` has them: the role, the clinic's web address, at least one client and at most
 * BULK_MAX. Offline, the desk runs the same checks on its copy before it queues a run.
 */
export function bulkClients(c: Clinic, g: BulkGuards) {
  /** Every client a search finds, a page at a time, as the core collects them. */
  const everyMatch = async (query: string, filter: "all" | "notRegisteredWithEmail") => {
    const ids: number[] = [];
    let after: ClientCursor | null = null;
    for (;;) {
      const page = await g.search(query, filter, after);
      ids.push(...page.rows.map((r) => r.id));
      if (page.next === null || ids.length > BULK_MAX) return ids;
      after = page.next;
    }
  };
  return async (selection: BulkSelection): Promise<number[]> => {
    inviter(g);
    if (!c.settings.clinic.clinicUrl) fail("failed", say("clinicUrlMissing"));
    const ids =
      selection.kind === "clients"
        ? [...new Set(selection.ids)]
        : await everyMatch(selection.query, selection.filter);
    if (ids.length === 0) fail("invalidInput", say("bulkNothingSelected"), { field: "selection" });
    if (ids.length > BULK_MAX)
      fail("invalidInput", say("bulkTooMany", { max: BULK_MAX }), { field: "selection" });
    return ids;
  };
}

function inviter(g: BulkGuards) {
  const me = g.requireSession();
  if (me.role !== "admin" && me.role !== "officeManager") fail("forbidden", say("forbiddenBulk"));
  return me;
}

export function bulkHandlers(c: Clinic, g: BulkGuards): Pick<Handlers, BulkCommands> {
  const jobOf = (id: number) =>
    c.bulkJobs.find((j) => j.id === id) ?? fail("notFound", say("bulkRunNotFound"));
  const clientsOf = bulkClients(c, g);

  return {
    startBulkInvite: async (selection) => {
      const ids = await clientsOf(selection);
      const job: BulkJob = {
        id: c.nextBulkId++,
        createdBy: inviter(g).username,
        createdAt: now(),
        status: "running",
        items: ids.map((clientId) => ({ clientId, outcome: null })),
      };
      c.bulkJobs.push(job);
      save(c);
      audit(c, "bulk_invite", "queued", null, `${ids.length} clients`);
      startBulkRunner(c);
      return { kind: "started", progress: progressOf(c, job) };
    },
    bulkInviteProgress: (jobId) => {
      inviter(g);
      return progressOf(c, jobOf(jobId));
    },
    cancelBulkInvite: (jobId) => {
      inviter(g);
      const job = jobOf(jobId);
      if (job.status === "running") {
        job.status = "cancelled";
        save(c);
        audit(c, "bulk_invite", "cancelled", null, `run ${job.id}`);
      }
      return progressOf(c, job);
    },
    runningBulkInvites: () => {
      inviter(g);
      return c.bulkJobs.filter((j) => j.status === "running").map((j) => progressOf(c, j));
    },
  };
}
