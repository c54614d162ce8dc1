// The clinic web address: checked as the core's `optional_web_address` parses it, and the
// Check button's `{url}/healthz` answered from the servers the test configured.
import type { ClinicUrlStatus } from "../../src/bindings";
import type { Clinic } from "./clinic";
import { fail, say } from "./messages";

const ADDRESS_MAX = 300;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * An https address (http only to this computer), without user name, password, query or
 * fragment, without its trailing slash; empty is null. Refusals name `field`.
 */
export function webAddress(field: string, label: string, value: string | null): string | null {
  const refuse = (message: string): never => fail("invalidInput", message, { field });
  if (value === null) return null;
  if (value.length > ADDRESS_MAX * 4)
    refuse(`${label} is too long (at most ${ADDRESS_MAX} characters).`);
  const text = value.trim();
  if (!text) return null;
  if (CONTROL.test(text)) refuse(say("controlCharacters", { field: label }));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(say("webAddressNotFull", { field: label }));
  }
  const local = LOOPBACK.test(url.hostname);
  const scheme = url.protocol.slice(0, -1);
  if (!((scheme === "https" && url.hostname) || (scheme === "http" && local)))
    refuse(say("httpsOnly", { field: label }));
  if (url.username || url.password) refuse(say("webAddressUserInfo", { field: label }));
  if (text.includes("?") || text.includes("#"))
    refuse(say("webAddressExtraParts", { field: label }));
  return url.href.replace(/\/+$/, "");
}

export function checkClinicUrl(c: Clinic, url: string): ClinicUrlStatus {
  const base =
    webAddress("clinic.clinicUrl", "Clinic web address", url) ??
    fail("invalidInput", say("clinicUrlEmpty"), { field: "clinic.clinicUrl" });
  const server = c.clinicServers[base];
  if (!server)
    return { live: false, version: null, message: say("clinicUrlNothing", { url: base }) };
  if (server.kind === "timeout")
    return { live: false, version: null, message: say("clinicUrlTimeout", { url: base }) };
  if (server.kind === "other")
    return {
      live: false,
      version: null,
      message: say("clinicUrlNotVetDesk", { url: base, status: server.httpStatus }),
    };
  const { version } = server;
  return server.database === "ok"
    ? { live: true, version, message: say("clinicUrlLive", { version, url: base }) }
    : { live: false, version, message: say("clinicUrlNoDatabase", { version, url: base }) };
}
