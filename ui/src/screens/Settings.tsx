import type { ComponentChildren } from "preact";
import { useEffect, useId, useState } from "preact/hooks";
import { call } from "../api";
import {
  commands,
  type CommandError,
  type Settings as SettingsData,
  type SmtpSecurity,
} from "../bindings";
import {
  ErrorAlert,
  Notice,
  PasswordField,
  ScreenHeading,
  Spinner,
  TextField,
} from "../components/ui";
import { useMounted } from "../hooks";

type Lifetimes = SettingsData["lifetimes"];
type LifetimeKey = keyof Lifetimes;

/** Everything the form edits, as the strings the inputs hold. */
type Draft = {
  clinicName: string;
  clinicPhone: string;
  clinicEmail: string;
  clinicAddress: string;
  clinicUrl: string;
  transport: SettingsData["mail"]["transport"];
  host: string;
  port: string;
  security: SmtpSecurity;
  username: string;
  smtpPassword: string;
  removeSmtpPassword: boolean;
  fromName: string;
  fromAddress: string;
  replyTo: string;
  lifetimes: Record<LifetimeKey, string>;
  passwordMinLength: string;
  breachCheckUrl: string;
};

type FieldErrors = Partial<Record<string, string>>;

const LIFETIMES: { key: LifetimeKey; label: string; hint: string }[] = [
  { key: "selfResetMinutes", label: "Forgot-password link", hint: "Recommended: 30 minutes." },
  {
    key: "adminResetMinutes",
    label: "Reset link sent by a manager",
    hint: "Recommended: 1440 (24 hours).",
  },
  {
    key: "portalResetMinutes",
    label: "Patient portal reset link",
    hint: "Recommended: 60 minutes.",
  },
  {
    key: "portalInviteMinutes",
    label: "Patient portal invitation",
    hint: "Recommended: 10080 (7 days).",
  },
  { key: "oneTimeCodeMinutes", label: "One-time code", hint: "Recommended: 15 minutes." },
];

const SECURITY: { value: SmtpSecurity; label: string; port: number }[] = [
  { value: "implicitTls", label: "Implicit TLS (usually port 465)", port: 465 },
  { value: "startTls", label: "STARTTLS required (usually port 587)", port: 587 },
  { value: "plain", label: "Plain — local relay only, not encrypted", port: 25 },
];

function toDraft(s: SettingsData): Draft {
  return {
    clinicName: s.clinic.name,
    clinicPhone: s.clinic.phone,
    clinicEmail: s.clinic.email,
    clinicAddress: s.clinic.address,
    clinicUrl: s.clinic.clinicUrl ?? "",
    transport: s.mail.transport,
    host: s.mail.host,
    port: String(s.mail.port),
    security: s.mail.security,
    username: s.mail.username ?? "",
    smtpPassword: "",
    removeSmtpPassword: false,
    fromName: s.mail.fromName,
    fromAddress: s.mail.fromAddress,
    replyTo: s.mail.replyTo ?? "",
    lifetimes: {
      selfResetMinutes: String(s.lifetimes.selfResetMinutes),
      adminResetMinutes: String(s.lifetimes.adminResetMinutes),
      portalResetMinutes: String(s.lifetimes.portalResetMinutes),
      portalInviteMinutes: String(s.lifetimes.portalInviteMinutes),
      oneTimeCodeMinutes: String(s.lifetimes.oneTimeCodeMinutes),
    },
    passwordMinLength: String(s.passwordMinLength),
    breachCheckUrl: s.breachCheckUrl ?? "",
  };
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const isInt = (v: string) => /^\d+$/.test(v.trim());
const orNull = (v: string) => (v.trim() === "" ? null : v.trim());

function validate(d: Draft): FieldErrors {
  const e: FieldErrors = {};
  if (!d.clinicName.trim()) e.clinicName = "Enter the clinic's name.";
  if (d.clinicEmail.trim() && !EMAIL_RE.test(d.clinicEmail.trim()))
    e.clinicEmail = "Enter a valid email address.";
  if (d.clinicUrl.trim() && !/^https?:\/\/\S+$/i.test(d.clinicUrl.trim()))
    e.clinicUrl = "Enter a full address starting with https://";
  if (d.transport === "smtp") {
    if (!d.host.trim()) e.host = "Enter the SMTP server's host name.";
    if (!isInt(d.port) || +d.port < 1 || +d.port > 65535) e.port = "Enter a port from 1 to 65535.";
  }
  if (!d.fromName.trim()) e.fromName = "Enter the name emails come from.";
  if (!EMAIL_RE.test(d.fromAddress.trim())) e.fromAddress = "Enter a valid email address.";
  if (d.replyTo.trim() && !EMAIL_RE.test(d.replyTo.trim()))
    e.replyTo = "Enter a valid email address.";
  for (const l of LIFETIMES) {
    const v = d.lifetimes[l.key];
    if (!isInt(v) || +v < 1) e[l.key] = "Enter a whole number of minutes, at least 1.";
  }
  if (!isInt(d.passwordMinLength) || +d.passwordMinLength < 8)
    e.passwordMinLength = "The minimum length can't be below 8.";
  else if (+d.passwordMinLength > 64) e.passwordMinLength = "The minimum length can't be above 64.";
  if (d.breachCheckUrl.trim() && !/^https?:\/\/\S+$/i.test(d.breachCheckUrl.trim()))
    e.breachCheckUrl = "Enter a full address starting with https://";
  return e;
}

/**
 * The back end reports invalid input as one message. Point it at the field it names,
 * so the person sees it where the fix goes.
 */
const SERVER_FIELD_HINTS: [RegExp, string][] = [
  [/minimum length|min(imum)?[ _]?length|passwordMinLength/i, "passwordMinLength"],
  [/breach/i, "breachCheckUrl"],
  [/reply[- _]?to/i, "replyTo"],
  [/from[ _]?address/i, "fromAddress"],
  [/from[ _]?name/i, "fromName"],
  [/\bport\b/i, "port"],
  [/\bhost\b/i, "host"],
  [/clinic[ _]?url|web address/i, "clinicUrl"],
  [/clinic name/i, "clinicName"],
  [/self[- _]?(service )?reset/i, "selfResetMinutes"],
  [/admin[- _]?(sent )?reset/i, "adminResetMinutes"],
  [/portal reset/i, "portalResetMinutes"],
  [/invit/i, "portalInviteMinutes"],
  [/one[- ]time code/i, "oneTimeCodeMinutes"],
];

export function fieldForServerMessage(message: string): string | null {
  for (const [re, field] of SERVER_FIELD_HINTS) if (re.test(message)) return field;
  return null;
}

function fromDraft(d: Draft, base: SettingsData): SettingsData {
  return {
    clinic: {
      name: d.clinicName.trim(),
      phone: d.clinicPhone.trim(),
      email: d.clinicEmail.trim(),
      address: d.clinicAddress.trim(),
      clinicUrl: orNull(d.clinicUrl),
    },
    mail: {
      transport: d.transport,
      host: d.host.trim(),
      port: isInt(d.port) ? +d.port : base.mail.port,
      security: d.security,
      username: orNull(d.username),
      fromName: d.fromName.trim(),
      fromAddress: d.fromAddress.trim(),
      replyTo: orNull(d.replyTo),
      hasPassword: base.mail.hasPassword,
    },
    lifetimes: {
      selfResetMinutes: +d.lifetimes.selfResetMinutes,
      adminResetMinutes: +d.lifetimes.adminResetMinutes,
      portalResetMinutes: +d.lifetimes.portalResetMinutes,
      portalInviteMinutes: +d.lifetimes.portalInviteMinutes,
      oneTimeCodeMinutes: +d.lifetimes.oneTimeCodeMinutes,
    },
    passwordMinLength: +d.passwordMinLength,
    breachCheckUrl: orNull(d.breachCheckUrl),
  };
}

function Section({
  title,
  description,
  children,
  testid,
}: {
  title: string;
  description?: ComponentChildren;
  children: ComponentChildren;
  testid?: string;
}) {
  const id = useId();
  return (
    <section class="card settings-section" aria-labelledby={id} data-testid={testid}>
      <div class="settings-section-head">
        <h2 class="card-title" id={id}>
          {title}
        </h2>
        {description ? <p class="muted">{description}</p> : null}
      </div>
      <div class="settings-section-body">{children}</div>
    </section>
  );
}

export function Settings({ onSaved }: { onSaved: () => void }) {
  const mounted = useMounted();
  const [saved, setSaved] = useState<SettingsData | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saveError, setSaveError] = useState<CommandError | string | null>(null);
  const [savedNotice, setSavedNotice] = useState(false);
  const [saving, setSaving] = useState(false);
  const [testTo, setTestTo] = useState("");
  const [testBusy, setTestBusy] = useState(false);
  const [testResult, setTestResult] = useState<{ ok: boolean; message: string } | null>(null);
  const securityId = useId();
  const addressId = useId();

  const load = async () => {
    const r = await call(commands.getSettings());
    if (!mounted.current) return;
    if (r.status === "ok") {
      setSaved(r.data);
      setDraft(toDraft(r.data));
      setLoadError(null);
    } else setLoadError(r.error);
  };

  useEffect(() => {
    void load();
  }, []);

  if (loadError && !draft) {
    return (
      <section class="page">
        <ScreenHeading>Settings</ScreenHeading>
        <ErrorAlert error={loadError} />
      </section>
    );
  }
  if (!draft || !saved) {
    return (
      <section class="page">
        <ScreenHeading>Settings</ScreenHeading>
        <p class="muted" role="status">
          <Spinner /> Loading settings…
        </p>
      </section>
    );
  }

  const pristine = JSON.stringify(toDraft(saved)) === JSON.stringify(draft);
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) => {
      setDraft((d) => (d ? { ...d, [key]: value } : d));
      setSavedNotice(false);
      if (errors[key as string]) setErrors((e) => ({ ...e, [key as string]: undefined }));
    };
  const setLifetime = (key: LifetimeKey) => (value: string) => {
    setDraft((d) => (d ? { ...d, lifetimes: { ...d.lifetimes, [key]: value } } : d));
    setSavedNotice(false);
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const found = validate(draft);
    setErrors(found);
    setSavedNotice(false);
    if (Object.keys(found).length > 0) {
      setSaveError("Some fields need attention. They are marked below.");
      const first = document.querySelector<HTMLElement>(".settings-form [aria-invalid='true']");
      first?.focus();
      return;
    }
    setSaving(true);
    setSaveError(null);
    // null keeps the stored password, "" removes it, anything else replaces it.
    const password = draft.removeSmtpPassword
      ? ""
      : draft.smtpPassword === ""
        ? null
        : draft.smtpPassword;
    const r = await call(commands.saveSettings(fromDraft(draft, saved), password));
    if (!mounted.current) return;
    setSaving(false);
    if (r.status === "ok") {
      setSaved(r.data);
      setDraft(toDraft(r.data));
      setSavedNotice(true);
      onSaved();
    } else {
      setSaveError(r.error);
      const field = r.error.code === "invalidInput" ? fieldForServerMessage(r.error.message) : null;
      if (field) setErrors({ [field]: r.error.message });
    }
  };

  const sendTest = async () => {
    const to = testTo.trim();
    if (!EMAIL_RE.test(to)) {
      setTestResult({ ok: false, message: "Enter the email address to send the test to." });
      return;
    }
    setTestBusy(true);
    setTestResult(null);
    const r = await call(commands.sendTestEmail(to));
    if (!mounted.current) return;
    setTestBusy(false);
    setTestResult(
      r.status === "ok"
        ? { ok: true, message: r.data.message }
        : { ok: false, message: r.error.message },
    );
  };

  const smtp = draft.transport === "smtp";

  return (
    <section class="page" aria-labelledby="settings-title">
      <div class="page-header">
        <div>
          <ScreenHeading id="settings-title">Settings</ScreenHeading>
          <p class="lead">Clinic details, how email is delivered, and account recovery rules.</p>
        </div>
      </div>
      <form class="settings-form" onSubmit={save} noValidate>
        <Section title="Clinic details" description="Shown in every email VetDesk sends.">
          <div class="grid-2">
            <TextField
              label="Clinic name"
              value={draft.clinicName}
              onInput={set("clinicName")}
              error={errors.clinicName}
              testid="clinic-name-input"
            />
            <TextField
              label="Phone"
              type="tel"
              value={draft.clinicPhone}
              onInput={set("clinicPhone")}
              testid="clinic-phone"
            />
            <TextField
              label="Clinic email"
              type="email"
              value={draft.clinicEmail}
              onInput={set("clinicEmail")}
              error={errors.clinicEmail}
              testid="clinic-email"
            />
            <TextField
              label="Clinic web address (optional)"
              type="url"
              value={draft.clinicUrl}
              onInput={set("clinicUrl")}
              error={errors.clinicUrl}
              placeholder="https://"
              hint="When set, reset links open on the clinic's web page."
              testid="clinic-url"
            />
          </div>
          <div class="field">
            <label for={addressId}>Address</label>
            <textarea
              id={addressId}
              rows={2}
              value={draft.clinicAddress}
              onInput={(e) => set("clinicAddress")(e.currentTarget.value)}
              data-testid="clinic-address"
            />
          </div>
        </Section>

        <Section
          title="Email delivery"
          description="Reset links, invitations and notices go out through this."
          testid="mail-section"
        >
          <fieldset class="radio-group">
            <legend>Send email with</legend>
            <label class="radio-card">
              <input
                type="radio"
                name="transport"
                value="preview"
                checked={draft.transport === "preview"}
                onChange={() => set("transport")("preview")}
                data-testid="transport-preview"
              />
              <span>
                <strong>Preview outbox</strong>
                <span class="muted">
                  Emails are kept in VetDesk to read under Mail preview. Nothing leaves this
                  computer.
                </span>
              </span>
            </label>
            <label class="radio-card">
              <input
                type="radio"
                name="transport"
                value="smtp"
                checked={draft.transport === "smtp"}
                onChange={() => set("transport")("smtp")}
                data-testid="transport-smtp"
              />
              <span>
                <strong>SMTP server</strong>
                <span class="muted">Your email provider or the clinic's mail server.</span>
              </span>
            </label>
          </fieldset>

          {smtp ? (
            <div class="grid-2" data-testid="smtp-fields">
              <TextField
                label="SMTP host"
                value={draft.host}
                onInput={set("host")}
                error={errors.host}
                placeholder="smtp.example.com"
                testid="smtp-host"
              />
              <div class="grid-2 grid-tight">
                <TextField
                  label="Port"
                  type="number"
                  inputMode="numeric"
                  value={draft.port}
                  onInput={set("port")}
                  error={errors.port}
                  min={1}
                  max={65535}
                  testid="smtp-port"
                />
                <div class="field">
                  <label for={securityId}>Security</label>
                  <select
                    id={securityId}
                    value={draft.security}
                    data-testid="smtp-security"
                    onChange={(e) => {
                      const value = e.currentTarget.value as SmtpSecurity;
                      const from = SECURITY.find((s) => s.value === draft.security);
                      const to = SECURITY.find((s) => s.value === value);
                      set("security")(value);
                      if (from && to && draft.port === String(from.port))
                        set("port")(String(to.port));
                    }}
                  >
                    {SECURITY.map((s) => (
                      <option key={s.value} value={s.value}>
                        {s.label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <TextField
                label="Username (optional)"
                value={draft.username}
                onInput={set("username")}
                autoComplete="off"
                testid="smtp-username"
              />
              <div class="field-stack">
                <PasswordField
                  label="Password"
                  value={draft.smtpPassword}
                  onInput={set("smtpPassword")}
                  autoComplete="new-password"
                  disabled={draft.removeSmtpPassword}
                  placeholder={
                    draft.removeSmtpPassword
                      ? "Will be removed"
                      : saved.mail.hasPassword
                        ? "Stored in the OS keyring"
                        : "Not set"
                  }
                  hint={
                    draft.removeSmtpPassword
                      ? "The stored password is removed from the keyring when you save."
                      : saved.mail.hasPassword
                        ? "Leave empty to keep the stored password."
                        : "Kept in the operating system's keyring, never in a file."
                  }
                  testid="smtp-password"
                />
                {saved.mail.hasPassword ? (
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={draft.removeSmtpPassword}
                      onChange={(e) => {
                        const remove = e.currentTarget.checked;
                        setDraft((d) =>
                          d ? { ...d, removeSmtpPassword: remove, smtpPassword: "" } : d,
                        );
                        setSavedNotice(false);
                      }}
                      data-testid="smtp-password-remove"
                    />
                    Remove the stored password
                  </label>
                ) : null}
              </div>
              {draft.security === "plain" ? (
                <div class="grid-span">
                  <Notice tone="warning" live={false}>
                    <p>
                      Plain SMTP sends the password and emails unencrypted. Use it only for a mail
                      relay running on this computer or inside the clinic's network.
                    </p>
                  </Notice>
                </div>
              ) : null}
            </div>
          ) : null}

          <div class="grid-2">
            <TextField
              label="From name"
              value={draft.fromName}
              onInput={set("fromName")}
              error={errors.fromName}
              testid="from-name"
            />
            <TextField
              label="From address"
              type="email"
              value={draft.fromAddress}
              onInput={set("fromAddress")}
              error={errors.fromAddress}
              testid="from-address"
            />
            <TextField
              label="Reply-To (optional)"
              type="email"
              value={draft.replyTo}
              onInput={set("replyTo")}
              error={errors.replyTo}
              testid="reply-to"
            />
          </div>

          <div class="test-email" data-testid="test-email">
            <h3 class="section-title">Send a test email</h3>
            <div class="test-email-row">
              <TextField
                label="Recipient"
                type="email"
                value={testTo}
                onInput={(v) => {
                  setTestTo(v);
                  setTestResult(null);
                }}
                placeholder="you@example.com"
                testid="test-recipient"
                class="test-email-field"
              />
              <button
                type="button"
                class="button button-secondary"
                data-testid="test-send"
                disabled={testBusy || !pristine}
                aria-describedby="test-email-hint"
                onClick={() => void sendTest()}
              >
                {testBusy ? "Sending…" : "Send test email"}
              </button>
            </div>
            <p class="field-hint" id="test-email-hint">
              {pristine
                ? "Uses the saved settings above."
                : "Save your changes first: the test uses the saved settings."}
            </p>
            <div class="message-slot message-slot-tight" data-testid="test-result">
              {testResult?.ok ? (
                <Notice tone="success">
                  <p>{testResult.message}</p>
                </Notice>
              ) : null}
              {testResult && !testResult.ok ? (
                <ErrorAlert error={testResult.message} testid="test-error" />
              ) : null}
            </div>
          </div>
        </Section>

        <Section
          title="Reset links and codes"
          description="How long each link or code stays valid, in minutes. Shorter is safer."
        >
          <div class="grid-3">
            {LIFETIMES.map((l) => (
              <TextField
                key={l.key}
                label={l.label}
                type="number"
                inputMode="numeric"
                min={1}
                value={draft.lifetimes[l.key]}
                onInput={setLifetime(l.key)}
                error={errors[l.key]}
                hint={l.hint}
                testid={`lifetime-${l.key}`}
              />
            ))}
          </div>
        </Section>

        <Section
          title="Passwords"
          description="Length matters most; VetDesk sets no composition rules."
        >
          <div class="grid-2">
            <TextField
              label="Minimum length"
              type="number"
              inputMode="numeric"
              min={8}
              max={64}
              value={draft.passwordMinLength}
              onInput={set("passwordMinLength")}
              error={errors.passwordMinLength}
              hint="At least 8; 15 is recommended."
              testid="min-length"
            />
            <TextField
              label="Breached-password check URL (optional)"
              type="url"
              value={draft.breachCheckUrl}
              onInput={set("breachCheckUrl")}
              error={errors.breachCheckUrl}
              placeholder="https://"
              hint="A k-anonymity range API (HIBP style). Leave empty to turn the online lookup off."
              testid="breach-url"
            />
          </div>
        </Section>

        <div class="save-bar">
          <div class="save-bar-status">
            {saveError ? <ErrorAlert error={saveError} /> : null}
            {!saveError && savedNotice ? (
              <Notice tone="success" testid="settings-saved">
                <p>Settings saved.</p>
              </Notice>
            ) : null}
            {!saveError && !savedNotice ? (
              <p class="muted" aria-live="polite">
                {pristine ? "No unsaved changes." : "You have unsaved changes."}
              </p>
            ) : null}
          </div>
          <div class="button-row">
            <button
              type="button"
              class="button button-ghost"
              disabled={pristine || saving}
              onClick={() => {
                setDraft(toDraft(saved));
                setErrors({});
                setSaveError(null);
              }}
            >
              Discard changes
            </button>
            <button
              type="submit"
              class="button button-primary"
              data-testid="settings-save"
              disabled={saving}
              aria-busy={saving}
            >
              {saving ? "Saving…" : "Save settings"}
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}
