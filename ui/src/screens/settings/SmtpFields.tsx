import type { Bounds, SmtpSecurity } from "../../bindings";
import { FieldFrame } from "../../components/FieldFrame";
import { Notice } from "../../components/Notice";
import { PasswordField } from "../../components/PasswordField";
import { TextField } from "../../components/TextField";
import type { Bind, Draft } from "./draft";

const SECURITY: { value: SmtpSecurity; label: string; port: number }[] = [
  { value: "implicitTls", label: "Implicit TLS (usually port 465)", port: 465 },
  { value: "startTls", label: "STARTTLS required (usually port 587)", port: 587 },
  { value: "plain", label: "Plain — local relay only, not encrypted", port: 25 },
];

/** Describes the stored SMTP password without ever showing it. */
function passwordState(d: Draft, hasPassword: boolean): { placeholder: string; hint: string } {
  if (d.removeSmtpPassword)
    return {
      placeholder: "Will be removed",
      hint: "The stored password is removed from the keyring when you save.",
    };
  if (hasPassword)
    return {
      placeholder: "Stored in the OS keyring",
      hint: "Leave empty to keep the stored password.",
    };
  return {
    placeholder: "Not set",
    hint: "Kept in the operating system's keyring, never in a file.",
  };
}

export function SmtpFields({
  draft,
  bind,
  update,
  hasPassword,
  port,
}: {
  draft: Draft;
  bind: Bind;
  update: (patch: Partial<Draft>) => void;
  hasPassword: boolean;
  port: Bounds;
}) {
  const password = passwordState(draft, hasPassword);
  const changeSecurity = (value: SmtpSecurity) => {
    const from = SECURITY.find((s) => s.value === draft["mail.security"]);
    const to = SECURITY.find((s) => s.value === value);
    // A port left at the old mode's usual number follows the mode; a custom one stays.
    const follows = from && to && draft["mail.port"] === String(from.port);
    update(
      follows
        ? { "mail.security": value, "mail.port": String(to.port) }
        : { "mail.security": value },
    );
  };
  return (
    <div class="grid-2" data-testid="smtp-fields">
      <TextField
        label="SMTP host"
        {...bind("mail.host")}
        placeholder="smtp.example.com"
        testid="smtp-host"
      />
      <div class="grid-2 grid-tight">
        <TextField
          label="Port"
          type="number"
          inputMode="numeric"
          {...bind("mail.port")}
          min={port.min}
          max={port.max}
          testid="smtp-port"
        />
        <FieldFrame label="Security">
          {(wiring) => (
            <select
              {...wiring}
              value={draft["mail.security"]}
              data-testid="smtp-security"
              onChange={(e) => changeSecurity(e.currentTarget.value as SmtpSecurity)}
            >
              {SECURITY.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </FieldFrame>
      </div>
      <TextField label="Username (optional)" {...bind("mail.username")} testid="smtp-username" />
      <div class="field-stack">
        <PasswordField
          label="Password"
          {...bind("smtpPassword")}
          autoComplete="new-password"
          disabled={draft.removeSmtpPassword}
          placeholder={password.placeholder}
          hint={password.hint}
          testid="smtp-password"
        />
        {hasPassword ? (
          <label class="check">
            <input
              type="checkbox"
              checked={draft.removeSmtpPassword}
              onChange={(e) =>
                update({ removeSmtpPassword: e.currentTarget.checked, smtpPassword: "" })
              }
              data-testid="smtp-password-remove"
            />
            Remove the stored password
          </label>
        ) : null}
      </div>
      {draft["mail.security"] === "plain" ? (
        <div class="grid-span">
          <Notice tone="warning" live={false}>
            <p>
              Plain SMTP sends the password and emails unencrypted. Use it only for a mail relay
              running on this computer or inside the clinic's network.
            </p>
          </Notice>
        </div>
      ) : null}
    </div>
  );
}
