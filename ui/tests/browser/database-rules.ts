// Setup › Database in the mock, with the rules of `ServerAddress::validated` and the app's
// database commands: fields checked and named, TLS off only for this computer, a server that
// must answer Test connection before the computer moves to it. The mock's servers are named in
// its config (`databaseServers`); any other host cannot be reached, and the password "wrong" is
// refused. Moving signs everyone out and leaves the mock's clinic data as it is. Move this
// clinic to the server takes a clinic on this computer into an "empty" server only, telling the
// window `move-progress` after each table as the shell does, and then works on that server.
import { emit } from "@tauri-apps/api/event";
import type {
  AppInfo,
  DatabaseLocation,
  MoveProgress,
  MovedTable,
  ServerAddress,
} from "../../src/bindings";
import type { Clinic } from "./clinic";
import type { Handlers } from "./handlers";
import { fail, say } from "./messages";
import { audit } from "./outbox";

type DatabaseCommands =
  "databaseSettings" | "testDatabaseConnection" | "setDatabaseLocation" | "moveToServer";
export type DatabaseGuards = { requireAdmin: () => void; requireRecentPassword: () => void };

const IDENTIFIER_MAX = 63;
const THIS_COMPUTER = ["localhost", "127.0.0.1", "::1", "[::1]"];

/** How long the mock takes to copy each table that has rows. */
const MOVE_STEP_MS = 150;

/** The clinic's tables as `transfer::move_to_server` copies them, in its order. */
function movedTables(c: Clinic): MovedTable[] {
  const count = (o: object) => Object.keys(o).length;
  const rows: [string, number][] = [
    ["settings", 1],
    ["staff", c.staff.length],
    ["reset_tokens", count(c.links) + count(c.codes)],
    ["clients", c.clients.length],
    ["pets", c.clients.reduce((n, client) => n + client.pets.length, 0)],
    ["portal_accounts", count(c.portalAccounts)],
    ["portal_tokens", count(c.portalLinks)],
    ["emails", c.emails.length],
    ["audit_events", c.audit.length],
    ["limits", count(c.failures)],
    ["bulk_jobs", c.bulkJobs.length],
    ["bulk_job_items", c.bulkJobs.reduce((n, job) => n + job.items.length, 0)],
    ["clinic_keys", 0],
  ];
  return rows.map(([table, n]) => ({ table, rows: n }));
}

const invalid = (field: string, message: string): never => fail("invalidInput", message, { field });

/** The address as the core keeps it, or its refusal naming the field. */
function validated(a: ServerAddress): ServerAddress {
  const host = a.host.trim();
  const database = a.database.trim();
  const user = a.user.trim();
  if (!host || /[\s@?#,\\]/.test(host)) invalid("database.host", say("databaseHost"));
  if (!a.port) invalid("database.port", say("databasePort"));
  if (!database || database.length > IDENTIFIER_MAX)
    invalid("database.database", say("databaseName"));
  if (!user || user.length > IDENTIFIER_MAX) invalid("database.user", say("databaseUser"));
  const local = THIS_COMPUTER.includes(host.toLowerCase()) || host.startsWith("/");
  if (a.tls.mode === "off" && !local) invalid("database.tls", say("databaseTlsOff"));
  let tls = a.tls;
  if (tls.mode === "verifyFull") {
    const ca = (tls.caFile ?? "").trim();
    if (ca && !ca.startsWith("/")) invalid("database.caFile", say("databaseCaFile"));
    tls = { mode: "verifyFull", caFile: ca || null };
  }
  return { host, port: a.port, database, user, tls };
}

export function databaseHandlers(
  c: Clinic,
  { requireAdmin, requireRecentPassword }: DatabaseGuards,
): Pick<Handlers, DatabaseCommands> {
  /** What Test connection finds at `a` with `password` (`null`: the stored one). */
  const connect = (a: ServerAddress, password: string | null) => {
    const server = c.databaseServers[a.host];
    if (!server)
      return {
        ok: false,
        kind: "unreachable",
        message: say("databaseUnreachable", {
          server: `${a.host}:${a.port}`,
          detail: "failed to lookup address information: Name or service not known",
        }),
      };
    if ((password ?? c.databasePassword) === "wrong")
      return {
        ok: false,
        kind: "authentication",
        message: say("databaseAuthentication", { user: a.user }),
      };
    return server === "empty"
      ? { ok: true, kind: "empty", message: say("databaseEmpty", { database: a.database }) }
      : {
          ok: true,
          kind: "vetdesk",
          message: say("databaseVetDesk", { database: a.database, host: a.host }),
        };
  };

  return {
    databaseSettings: () => {
      requireAdmin();
      return { location: c.database, hasPassword: c.databasePassword !== null };
    },
    testDatabaseConnection: (address, password) => {
      requireAdmin();
      return connect(validated(address), password);
    },
    setDatabaseLocation: (location, password) => {
      requireAdmin();
      if (c.info.demo) fail("forbidden", say("databaseDemoStays"));
      let next: DatabaseLocation = { kind: "local" };
      if (location.kind === "server") {
        const { kind: _, ...address } = location;
        const a = validated(address);
        const found = connect(a, password);
        if (!found.ok) fail("invalidInput", found.message);
        next = { kind: "server", ...a };
      }
      requireRecentPassword();
      const name = next.kind === "server" ? `${next.database} on ${next.host}` : null;
      audit(c, "database_changed", "ok", null, `to ${name ?? "this computer's database"}`);
      if (password !== null) c.databasePassword = password === "" ? null : password;
      c.database = next;
      c.session = null;
      const info: AppInfo = {
        ...c.info,
        database: next.kind === "server" ? "remote" : "local",
        databaseName: name,
      };
      c.info = info;
      return { ...info };
    },
    moveToServer: async (address, password) => {
      requireAdmin();
      if (c.info.demo) fail("forbidden", say("databaseDemoStays"));
      if (c.database.kind !== "local") fail("forbidden", say("moveNotLocal"));
      const a = validated(address);
      const found = connect(a, password);
      if (!found.ok) fail("invalidInput", found.message);
      if (found.kind !== "empty")
        fail("invalidInput", say("moveNotEmpty", { database: a.database, host: a.host }));
      requireRecentPassword();
      const name = `${a.database} on ${a.host}`;
      audit(c, "database_changed", "ok", null, `to ${name}, moving this clinic there`);
      const tables = movedTables(c);
      const total = tables.reduce((n, t) => n + t.rows, 0);
      let copied = 0;
      for (const t of tables.filter((x) => x.rows > 0)) {
        await new Promise((r) => setTimeout(r, MOVE_STEP_MS));
        copied += t.rows;
        const progress: MoveProgress = { table: t.table, copied, total };
        await emit("move-progress", progress);
      }
      if (password !== null) c.databasePassword = password === "" ? null : password;
      c.databaseServers[a.host] = "vetdesk";
      c.database = { kind: "server", ...a };
      c.session = null;
      c.info = { ...c.info, database: "remote", databaseName: name };
      return {
        tables,
        message: say("moveDone", { database: a.database, host: a.host }),
        info: { ...c.info },
      };
    },
  };
}
