// Setup › Database in the mock, with the rules of `ServerAddress::validated` and the app's
// database commands: fields checked and named, TLS off only for this computer, a server that
// must answer Test connection before the computer moves to it. The mock's servers are named in
// its config (`databaseServers`); any other host cannot be reached, and the password "wrong" is
// refused. Moving signs everyone out and leaves the mock's clinic data as it is.
import type { AppInfo, DatabaseLocation, ServerAddress } from "../../src/bindings";
import type { Clinic } from "./clinic";
import type { Handlers } from "./handlers";
import { fail, say } from "./messages";
import { audit } from "./outbox";

type DatabaseCommands = "databaseSettings" | "testDatabaseConnection" | "setDatabaseLocation";
export type DatabaseGuards = { requireAdmin: () => void; requireRecentPassword: () => void };

const IDENTIFIER_MAX = 63;
const THIS_COMPUTER = ["localhost", "127.0.0.1", "::1", "[::1]"];

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
  };
}
