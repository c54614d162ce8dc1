import type { DatabaseLocation, DatabaseSettings, ServerAddress } from "../../../bindings";

export type TlsChoice = "verifyFull" | "required" | "off";

/** What the Database section's fields hold, as typed. */
export type ServerForm = {
  where: "local" | "server";
  host: string;
  port: string;
  database: string;
  user: string;
  /** Empty keeps the password in this computer's keyring. */
  password: string;
  tls: TlsChoice;
  caFile: string;
};

export const TLS_CHOICES: { value: TlsChoice; label: string }[] = [
  { value: "verifyFull", label: "Verify the server's certificate" },
  { value: "required", label: "Encrypt, without checking the certificate" },
  { value: "off", label: "Off (only for a server on this computer)" },
];

export function formOf(settings: DatabaseSettings): ServerForm {
  const l = settings.location;
  if (l.kind === "local") {
    return {
      where: "local",
      host: "",
      port: "5432",
      database: "vetdesk",
      user: "",
      password: "",
      tls: "verifyFull",
      caFile: "",
    };
  }
  return {
    where: "server",
    host: l.host,
    port: String(l.port),
    database: l.database,
    user: l.user,
    password: "",
    tls: l.tls.mode,
    caFile: l.tls.mode === "verifyFull" ? (l.tls.caFile ?? "") : "",
  };
}

/** The address as the back end takes it; it checks every field and names the one at fault. */
export function addressOf(f: ServerForm): ServerAddress {
  const port = Number.parseInt(f.port, 10);
  return {
    host: f.host,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 0,
    database: f.database,
    user: f.user,
    tls:
      f.tls === "verifyFull"
        ? { mode: "verifyFull", caFile: f.caFile.trim() === "" ? null : f.caFile }
        : { mode: f.tls },
  };
}

export function locationOf(f: ServerForm): DatabaseLocation {
  return f.where === "local" ? { kind: "local" } : { kind: "server", ...addressOf(f) };
}

/** `null` keeps the stored password. */
export function passwordOf(f: ServerForm): string | null {
  return f.password === "" ? null : f.password;
}
