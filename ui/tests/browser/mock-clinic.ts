// An in-memory clinic behind mockIPC, so every screen can be driven without the Rust back end.
// The test server bundles it and loads it before the production bundle; the tests read
// `window.__clinic`.
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AppInfo, CommandError, StaffStatus } from "../../src/bindings";
import {
  DEMO_PASSWORD,
  newClinic,
  now,
  type Clinic,
  type ClinicServer,
  type MockConfig,
} from "./clinic";
import { restoreBulkJobs, startBulkRunner } from "./bulk-rules";
import { clinicHandlers, type Handlers } from "./handlers";
import { say } from "./messages";
import { setOnline } from "./offline-rules";
import { seed } from "./seed";

declare global {
  interface Window {
    __MOCK_CONFIG__?: MockConfig;
    __cspViolations: string[];
    __clinic: unknown;
  }
}

const config = window.__MOCK_CONFIG__ ?? {};
const calls: Clinic["calls"] = [];
/** Per IPC command: extra time its next answer takes, or the refusal it answers with once. */
const slowNext: Record<string, number> = {};
const refuseNext: Record<string, CommandError> = {};

/** A clinic of the mock; one that is set up comes with a few hours of history. */
function opened(c: MockConfig): Clinic {
  const made = newClinic(c);
  made.calls = calls;
  if (!made.info.setupNeeded) seed(made);
  restoreBulkJobs(made);
  startBulkRunner(made);
  return made;
}

// The open clinic. Like the desktop shell, the demo clinic and the clinic's own are each
// opened once and kept; the clinic's own is new (not set up) unless the page started on it.
let clinic = opened(config);
const kept: Record<"demo" | "own", Clinic | null> = { demo: null, own: null };
kept[clinic.info.demo ? "demo" : "own"] = clinic;

function switchTo(demo: boolean): AppInfo {
  clinic.session = null;
  clinic = demo
    ? (kept.demo ??= opened({ ...config, setupNeeded: false, demo: true }))
    : (kept.own ??= opened({ ...config, setupNeeded: true, demo: false }));
  clinic.session = null;
  return { ...clinic.info };
}

const handlers = (): Handlers => ({
  ...clinicHandlers(clinic),
  openDemoClinic: () => switchTo(true),
  leaveDemoClinic: () => switchTo(false),
});

/** "list_staff" → "listStaff": the bindings' name for an IPC command. */
const bindingName = (cmd: string) => cmd.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const isCommand = (name: string): name is keyof Handlers => Object.hasOwn(handlers(), name);

mockIPC(
  async (cmd, args) => {
    const named = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: args === undefined ? null : JSON.parse(JSON.stringify(args)) });
    const name = bindingName(cmd);
    if (!isCommand(name)) throw new Error(`The mock has no command ${cmd}.`);
    const delay = 20 + (slowNext[cmd] ?? 0);
    delete slowNext[cmd];
    await new Promise((r) => setTimeout(r, delay));
    const refusal = refuseNext[cmd];
    if (refusal) {
      delete refuseNext[cmd];
      throw refusal;
    }
    // The bindings pass arguments as an object in parameter order.
    const handler = handlers()[name] as (...positional: unknown[]) => unknown;
    return handler(...Object.values(named));
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
  get state() {
    return clinic;
  },
  calls: (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args),
  // Like the desktop shell: keep the link for a window that is not listening yet, then emit.
  emitResetLink: (token: string) => {
    clinic.pendingLink = token;
    return emit("reset-link", { token });
  },
  setHiddenCooldown: (staffId: number, secs: number) => {
    clinic.hiddenCooldowns[staffId] = now() + secs * 1000;
  },
  // The back end ends the session while the next staff card loads.
  failNext: (cmd: "staff_card", code: "notSignedIn") => {
    clinic.failNext[cmd] = code;
  },
  // The back end locks the session on its own clock, the window unaware.
  lockNow: () => {
    if (clinic.session) clinic.session.locked = true;
  },
  // The next answer to `cmd` comes `ms` later than usual, so a newer one can overtake it.
  slowNext: (cmd: string, ms: number) => {
    slowNext[cmd] = ms;
  },
  // The next call of `cmd` fails, as a database that stops answering would make it.
  refuseNext: (cmd: string, message: string) => {
    refuseNext[cmd] = { code: "failed", message, field: null, retryAfterSecs: null };
  },
  // What `{url}/healthz` answers from now on; null: nothing answers there.
  setClinicServer: (url: string, server: ClinicServer | null) => {
    if (server) clinic.clinicServers[url] = server;
    else delete clinic.clinicServers[url];
  },
  // The clinic's server stops answering this workstation, or answers again (offline-rules.ts).
  setOnline: (online: boolean) => setOnline(clinic, online, handlers()),
  // Another workstation changes a staff member's account, as the server would show it.
  setStaffStatus: (staffId: number, status: StaffStatus) => {
    const s = clinic.staff.find((x) => x.id === staffId);
    if (s) s.status = status;
  },
  codeFor: (staffId: number) => clinic.codes[staffId]?.code ?? null,
  DEMO_PASSWORD,
  FORGOT_MESSAGE: say("forgotAnswer"),
};
