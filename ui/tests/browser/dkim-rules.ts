// DKIM in the mock, with the core's rules (dkim.rs, recovery/settings.rs): the domain and
// selector checked with the settings, the private key kept in this workstation's keyring and
// never answered back, and a made-up DNS record for a key that looks whole.
import type { DkimRecord, DkimSettings } from "../../src/bindings";
import type { Clinic } from "./clinic";
import type { Handlers } from "./handlers";
import { fail, say } from "./messages";
import { audit } from "./outbox";

type DkimCommands = "dkimRecord" | "setDkimKey" | "generateDkimKey";
export type DkimGuards = { requireAdmin: () => void; requireRecentPassword: () => void };

const HOSTNAME_MAX = 253;
const LABEL_MAX = 63;
const KEY_MAX_BYTES = 16 * 1024;
/** A 2048-bit key in PKCS#8 is about 1,600 base64 characters; a much shorter one is cut off. */
const KEY_MIN_BASE64 = 1000;
/** How the base64 of every 2048-bit RSA public key begins and ends. */
const SPKI_HEAD = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA";
const SPKI_TAIL = "IDAQAB";

const isLabel = (l: string) =>
  l.length >= 1 && l.length <= LABEL_MAX && /^[a-z0-9-]+$/.test(l) && !/^-|-$/.test(l);

const invalid = (field: string, message: string): never => fail("invalidInput", message, { field });

/** The DKIM settings as the core keeps them, or its refusal naming the field. */
export function validatedDkim(d: DkimSettings, fromAddress: string): DkimSettings {
  const domainField = "mail.dkim.domain";
  const selectorField = "mail.dkim.selector";
  let domain = d.domain.trim().toLowerCase();
  if (!domain) invalid(domainField, say("required", { field: "DKIM domain" }));
  domain = domain.replace(/\.$/, "");
  if (domain.length > HOSTNAME_MAX || !domain.includes(".") || !domain.split(".").every(isLabel))
    invalid(domainField, say("dkimDomainInvalid"));
  const selector = d.selector.trim().toLowerCase();
  if (!selector) invalid(selectorField, say("required", { field: "DKIM selector" }));
  if (!isLabel(selector)) invalid(selectorField, say("dkimSelectorInvalid"));
  if (`${selector}._domainkey.${domain}`.length > HOSTNAME_MAX)
    invalid(selectorField, say("dkimNameTooLong"));
  const from = fromAddress.slice(fromAddress.lastIndexOf("@") + 1).toLowerCase();
  if (from !== domain && !from.endsWith(`.${domain}`))
    invalid(domainField, say("dkimNotAligned", { from, domain }));
  return { domain, selector };
}

/** The PEM block's label, as `pem_label` reads it. */
const pemLabel = (pem: string) => /^-----BEGIN ([^-]+)-----/.exec(pem)?.[1] ?? null;

/** Checks a pasted key as `DkimKey::from_pem` does, answering it as it would be stored. */
function parseKey(pem: string): string {
  const refuse = (key: Parameters<typeof say>[0]): never => invalid("dkimKey", say(key));
  if (pem.length > KEY_MAX_BYTES) refuse("dkimKeyTooLong");
  const text = pem.trim();
  const label = pemLabel(text);
  if (label === "ENCRYPTED PRIVATE KEY") refuse("dkimKeyEncrypted");
  if (label === "PUBLIC KEY" || label === "RSA PUBLIC KEY") refuse("dkimKeyPublic");
  if (label === "CERTIFICATE") refuse("dkimKeyCertificate");
  if (label !== "PRIVATE KEY" && label !== "RSA PRIVATE KEY") refuse("dkimKeyNotPem");
  const end = `-----END ${label}-----`;
  const body = text.slice(`-----BEGIN ${label}-----`.length, text.lastIndexOf(end));
  const base64 = body.replace(/\s+/g, "");
  if (!text.endsWith(end) || !/^[A-Za-z0-9+/]+=*$/.test(base64) || base64.length < KEY_MIN_BASE64)
    refuse("dkimKeyDamaged");
  return text.replace(/\r\n?/g, "\n");
}

/** A public key made up from the private one: the same key always gives the same record. */
function publicKeyOf(pem: string): string {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let h = 2166136261;
  for (const ch of pem) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  let body = "";
  for (let i = 0; i < 342; i++) {
    h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0;
    body += ALPHABET[h % 64];
  }
  return `${SPKI_HEAD}${body}${SPKI_TAIL}`;
}

function recordOf(c: Clinic): DkimRecord | null {
  const dkim = c.settings.mail.dkim;
  if (!dkim || c.dkimKey === null) return null;
  return {
    name: `${dkim.selector}._domainkey.${dkim.domain}`,
    value: `v=DKIM1; k=rsa; p=${publicKeyOf(c.dkimKey)}`,
  };
}

export function dkimHandlers(c: Clinic, g: DkimGuards): Pick<Handlers, DkimCommands> {
  const store = (pem: string | null) => {
    g.requireRecentPassword();
    c.dkimKey = pem;
    audit(c, "settings.saved", "ok", null, pem ? "DKIM key saved (2048 bits)" : "DKIM key removed");
    return recordOf(c);
  };
  return {
    dkimRecord: () => {
      g.requireAdmin();
      return recordOf(c);
    },
    setDkimKey: (key) => {
      g.requireAdmin();
      return store(key === null ? null : parseKey(key));
    },
    generateDkimKey: () => {
      g.requireAdmin();
      c.generatedKeys += 1;
      const body = `MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ${"Q".repeat(1560)}${c.generatedKeys}`;
      const lines = body.match(/.{1,64}/g) ?? [];
      return store(`-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n-----END PRIVATE KEY-----`);
    },
  };
}
