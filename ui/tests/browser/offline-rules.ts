// A workstation whose clinic database is on the clinic's server, with the rules of the desktop
// shell's offline side (src-tauri/src/offline): while the server does not answer, the lists and
// cards read this computer's copy; Reset password, the paw icon and Invite to portal are checked
// against the copy and queued, one waiting action per person (or set of clients) and kind; Show
// one-time code and the changes only the clinic database can make are refused. Back online, the queue is replayed oldest first,
// each action as the person who took it, under the rules as they stand then. The window hears
// `connection-changed` on every change, as from the shell. Tests call `window.__clinic.setOnline`.
import { emit } from "@tauri-apps/api/event";
import type {
  BulkSelection,
  ConnectionStatus,
  QueuedKind,
  Role,
  SessionInfo,
  StaffRow,
} from "../../src/bindings";
import { clientsWord } from "../../src/screens/clients/bulk/target";
import { MIN, now, type Clinic, type MockQueued } from "./clinic";
import { canSend, fullName } from "./client-rules";
import type { ClinicSwitch, Handlers } from "./handlers";
import { fail, maskEmail, roleLabels, say } from "./messages";

type Online = Omit<Handlers, ClinicSwitch | "connectionStatus">;
export type OfflineGuards = {
  requireSession: () => SessionInfo;
  requireRecentPassword: () => void;
  /** The clients a bulk selection reaches, checked as a run is (bulk-rules.ts). */
  bulkClients: (selection: BulkSelection) => Promise<number[]>;
};
/** What the replay of queued actions goes through: the rules, now that the server answers. */
type Replayer = Pick<Handlers, "sendStaffReset" | "sendPortalLink" | "startBulkInvite">;

const RESEND_MS = MIN;
const SETTLED_SHOWN_FOR = 24 * 60 * MIN;
/** Refused with `needsDatabase` while offline, as `require_online` refuses them. The password
 * of the signed-in person is checked offline too (against this desk's verifier), as online. */
const NEEDS_DATABASE = [
  "updateStaffEmail",
  "setClientEmail",
  "bulkInviteProgress",
  "cancelBulkInvite",
  "saveSettings",
  "sendTestEmail",
  "setDkimKey",
  "generateDkimKey",
  "exportDispatchKey",
  "clinicKeysStatus",
  "exportClinicKeys",
  "importClinicKeys",
  "listActivity",
  "listEmails",
] as const;
type NeedsDatabase = (typeof NEEDS_DATABASE)[number];

const isOffline = (c: Clinic) => c.offlineSince !== null;
const isManager = (role: Role) => role === "admin" || role === "officeManager";

/** What `connectionStatus` answers: waiting actions newest first, then the recently settled. */
export function connectionStatus(c: Clinic): ConnectionStatus {
  const shown = ({ actorId: _, subjectId: __, clientIds: ___, ...a }: MockQueued) => ({ ...a });
  const waiting = c.queued.filter((a) => a.state === "queued").reverse();
  const settled = c.queued
    .filter((a) => a.settledAt !== null && a.settledAt > now() - SETTLED_SHOWN_FOR)
    .sort((a, b) => (b.settledAt ?? 0) - (a.settledAt ?? 0));
  return {
    server: c.info.database === "remote",
    online: !isOffline(c),
    offlineSince: c.offlineSince,
    copyRefreshedAt: c.copyRefreshedAt,
    actions: [...waiting, ...settled].map(shown),
  };
}

/** Tells the window, as the shell's `connection-changed` event does. */
const changed = (c: Clinic) => emit("connection-changed", connectionStatus(c));

export function whileOffline(
  c: Clinic,
  g: OfflineGuards,
  online: Online,
): Omit<Handlers, ClinicSwitch> {
  /** Whom a reset may go to, as `target_for_reset` and the address check decide it. */
  const resetTarget = (staffId: number): StaffRow & { email: string } => {
    const me = g.requireSession();
    if (!isManager(me.role)) fail("forbidden", say("forbiddenStaffList"));
    const s = c.staff.find((x) => x.id === staffId) ?? fail("notFound", say("staffNotFound"));
    if (me.role !== "admin" && s.role === "admin")
      fail(
        "forbidden",
        say("cannotResetRole", { actorRole: roleLabels[me.role], targetRole: roleLabels[s.role] }),
      );
    if (s.status !== "active") fail("forbidden", say("accountDisabled"));
    const email = s.email ?? fail("failed", say("noEmail", { name: s.displayName }));
    return { ...s, email };
  };

  /** The same clients, in whatever order they were picked. */
  const sameClients = (a: number[] = [], b: number[] = []) =>
    a.length === b.length && [...a].sort().join() === [...b].sort().join();

  /** Writes the action down before anyone is told it is queued; answers when it was taken. */
  const push = (
    kind: QueuedKind,
    subjectId: number,
    subjectName: string,
    clientIds?: number[],
  ): number => {
    const same = c.queued.find(
      (a) =>
        a.state === "queued" &&
        a.kind === kind &&
        a.subjectId === subjectId &&
        sameClients(a.clientIds, clientIds),
    );
    if (same) return same.queuedAt;
    const me = g.requireSession();
    const action: MockQueued = {
      id: c.nextQueuedId++,
      kind,
      actorId: me.staffId,
      actorName: me.displayName,
      subjectId,
      subjectName,
      clientIds,
      queuedAt: now(),
      state: "queued",
      outcome: null,
      settledAt: null,
    };
    c.queued.push(action);
    void changed(c);
    return action.queuedAt;
  };

  const refusedOffline = <K extends NeedsDatabase>(name: K): Online[K] => {
    const handler = online[name] as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => {
      if (isOffline(c)) fail("failed", say("needsDatabase"));
      return handler(...args);
    }) as Online[K];
  };

  return {
    ...online,
    ...(Object.fromEntries(NEEDS_DATABASE.map((name) => [name, refusedOffline(name)])) as Pick<
      Online,
      NeedsDatabase
    >),
    // Runs are sent from the clinic database: none goes on while it cannot be reached.
    runningBulkInvites: () => (isOffline(c) ? [] : online.runningBulkInvites()),
    connectionStatus: () => connectionStatus(c),
    sendStaffReset: (staffId) => {
      const s = resetTarget(staffId);
      if (!isOffline(c)) return online.sendStaffReset(staffId);
      if (s.role === "admin") g.requireRecentPassword();
      const masked = maskEmail(s.email);
      const queuedAt = push("staffReset", s.id, s.displayName);
      return {
        maskedEmail: masked,
        message: say("staffResetQueued", { name: s.displayName, email: masked }),
        resendAvailableAt: queuedAt + RESEND_MS,
        queued: true,
      };
    },
    sendPortalLink: (clientId) => {
      if (!isOffline(c)) return online.sendPortalLink(clientId);
      // As `portal_link_target` checks it against the copy.
      if (!canSend(g.requireSession().role)) fail("forbidden", say("forbiddenPortal"));
      const x = c.clients.find((y) => y.id === clientId) ?? fail("notFound", say("clientNotFound"));
      const email = x.email ?? fail("failed", say("clientNoEmail"));
      if (!c.settings.clinic.clinicUrl) fail("failed", say("clinicUrlMissing"));
      const name = fullName(x.firstName, x.lastName);
      const masked = maskEmail(email);
      const queuedAt = push("portalLink", x.id, name);
      const account = c.portalAccounts[x.id];
      return {
        invitation: !account || account.status === "invited",
        maskedEmail: masked,
        message: say("portalLinkQueued", { name, email: masked }),
        resendAvailableAt: queuedAt + RESEND_MS,
        queued: true,
      };
    },
    startBulkInvite: async (selection) => {
      if (!isOffline(c)) return online.startBulkInvite(selection);
      // The clients the copy finds are queued, not the search, as `queue_bulk_invite` does.
      const ids = await g.bulkClients(selection);
      const query = selection.kind === "search" ? selection.query.trim() : "";
      const subject = query
        ? say("bulkSubjectSearch", { clients: clientsWord(ids.length), query })
        : clientsWord(ids.length);
      push("bulkInvite", 0, subject, ids);
      return {
        kind: "queued",
        message: say("bulkInviteQueued", { clients: clientsWord(ids.length) }),
        total: ids.length,
      };
    },
    issueOneTimeCode: (staffId) => {
      if (isOffline(c)) {
        g.requireSession();
        fail("failed", say("codeNeedsDatabase"));
      }
      return online.issueOneTimeCode(staffId);
    },
  };
}

/** Replays `a` as the person who took it; the rules' refusal is its outcome. */
async function replay(c: Clinic, rules: Replayer, a: MockQueued) {
  const actor = c.staff.find((s) => s.id === a.actorId);
  const kept = { session: c.session, authenticatedAt: c.authenticatedAt, activeAt: c.activeAt };
  try {
    if (!actor || actor.status !== "active")
      fail(
        "forbidden",
        `${a.actorName}'s account was disabled before the clinic database answered.`,
      );
    const { id: staffId, username, displayName, role } = actor;
    c.session = { staffId, username, displayName, role, locked: false };
    // The password was asked when the action was taken; the replay does not ask again.
    c.authenticatedAt = now();
    c.activeAt = now();
    if (a.kind === "bulkInvite") {
      const run = await rules.startBulkInvite({ kind: "clients", ids: a.clientIds ?? [] });
      const total = run.kind === "started" ? run.progress.total : run.total;
      return {
        state: "sent" as const,
        outcome: say("bulkInviteStarted", { clients: clientsWord(total) }),
      };
    }
    const sent = await (a.kind === "staffReset"
      ? rules.sendStaffReset(a.subjectId)
      : rules.sendPortalLink(a.subjectId));
    return { state: "sent" as const, outcome: sent.message };
  } catch (e) {
    return { state: "refused" as const, outcome: (e as { message: string }).message };
  } finally {
    Object.assign(c, kept);
  }
}

/**
 * Takes the clinic's server away from this workstation, or brings it back; back, the queue is
 * replayed in the order it was taken and the copy refreshed. The window hears each change.
 */
export async function setOnline(c: Clinic, online: boolean, rules: Replayer) {
  if (c.info.database !== "remote")
    throw new Error("Only a clinic on the server goes offline: open the mock with onServer.");
  if (online === !isOffline(c)) return;
  if (!online) {
    c.offlineSince = now();
    await changed(c);
    return;
  }
  c.offlineSince = null;
  await changed(c);
  for (const a of c.queued.filter((q) => q.state === "queued")) {
    Object.assign(a, await replay(c, rules, a), { settledAt: now() });
    await changed(c);
  }
  c.copyRefreshedAt = now();
  await changed(c);
}
