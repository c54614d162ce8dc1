// An in-memory clinic behind mockIPC, so every screen can be driven without the Rust back end.
// The test server bundles it and loads it before the production bundle; the tests read
// `window.__clinic`.
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { DEMO_PASSWORD, newClinic, now, type MockConfig } from "./clinic";
import { clinicHandlers, type Handlers } from "./handlers";
import { say } from "./messages";
import { seed } from "./seed";

declare global {
  interface Window {
    __MOCK_CONFIG__?: MockConfig;
    __cspViolations: string[];
    __clinic: unknown;
  }
}

const clinic = newClinic(window.__MOCK_CONFIG__ ?? {});
seed(clinic);
const handlers = clinicHandlers(clinic);

/** "list_staff" → "listStaff": the bindings' name for an IPC command. */
const bindingName = (cmd: string) => cmd.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const isCommand = (name: string): name is keyof Handlers => Object.hasOwn(handlers, name);

mockIPC(
  async (cmd, args) => {
    const named = (args ?? {}) as Record<string, unknown>;
    clinic.calls.push({ cmd, args: args === undefined ? null : JSON.parse(JSON.stringify(args)) });
    const name = bindingName(cmd);
    if (!isCommand(name)) throw new Error(`The mock has no command ${cmd}.`);
    await new Promise((r) => setTimeout(r, 20));
    // The bindings pass arguments as an object in parameter order.
    const handler = handlers[name] as (...positional: unknown[]) => unknown;
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
  state: clinic,
  calls: (cmd: string) => clinic.calls.filter((c) => c.cmd === cmd).map((c) => c.args),
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
  codeFor: (staffId: number) => clinic.codes[staffId]?.code ?? null,
  DEMO_PASSWORD,
  FORGOT_MESSAGE: say("forgotAnswer"),
};
