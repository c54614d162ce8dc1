import { useEffect, useRef, useState } from "preact/hooks";
import {
  commands,
  type AppInfo,
  type ConnectionCheck,
  type DatabaseSettings,
} from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { FieldFrame } from "../../../components/FieldFrame";
import { Modal } from "../../../components/Modal";
import { Notice } from "../../../components/Notice";
import { PasswordField } from "../../../components/PasswordField";
import { Spinner } from "../../../components/Spinner";
import { TextField } from "../../../components/TextField";
import { errorFor } from "../../../fieldError";
import type { AppNotice } from "../../../notices";
import { useCommand } from "../../../useCommand";
import { Section } from "../Section";
import { ClinicKeys } from "./ClinicKeys";
import { MoveDialog } from "./MoveDialog";
import { movedNotice } from "./moveReport";
import {
  TLS_CHOICES,
  addressOf,
  formOf,
  locationOf,
  passwordOf,
  type ServerForm,
  type TlsChoice,
} from "./serverForm";

/**
 * Setup › Settings › Database: this computer's clinic database is its own file or the clinic's
 * PostgreSQL server. Test connection says what is wrong in words; Use this database moves the
 * computer there and signs everyone at it out. A clinic in this computer's file can instead be
 * moved, all of it, into an empty server database.
 */
export function DatabaseSection({
  onOpened,
}: {
  onOpened: (info: AppInfo, said?: AppNotice) => void;
}) {
  const [loaded, setLoaded] = useState<DatabaseSettings | null>(null);
  const [form, setForm] = useState<ServerForm | null>(null);
  const [check, setCheck] = useState<ConnectionCheck | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [movingClinic, setMovingClinic] = useState(false);
  const load = useCommand();
  const testing = useCommand();
  const moving = useCommand();
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    void (async () => {
      const r = await load.run(commands.databaseSettings());
      if (r?.status !== "ok") return;
      setLoaded(r.data);
      setForm(formOf(r.data));
    })();
  }, []);

  if (!form || !loaded) {
    return (
      <Section title="Database" testid="database-section">
        {load.error ? (
          <ErrorAlert error={load.error} />
        ) : (
          <p class="muted" role="status">
            <Spinner /> Loading…
          </p>
        )}
      </Section>
    );
  }

  const update = (patch: Partial<ServerForm>) => {
    setForm({ ...form, ...patch });
    setCheck(null);
    testing.clear();
    moving.clear();
  };
  const invalid = testing.error ?? moving.error;
  const field = (key: keyof ServerForm, label: string, testid: string) => ({
    label,
    name: `database.${key}`,
    value: form[key],
    onInput: (value: string) => update({ [key]: value }),
    error: errorFor(invalid, `database.${key}`),
    testid,
  });
  const server = form.where === "server";
  // Only a clinic in this computer's file moves, and only into a database that holds nothing.
  const canMove = server && loaded.location.kind === "local" && check?.kind === "empty";

  const test = async () => {
    setCheck(null);
    const r = await testing.run(() =>
      commands.testDatabaseConnection(addressOf(form), passwordOf(form)),
    );
    if (r?.status === "ok") setCheck(r.data);
  };
  const move = async () => {
    const r = await moving.run(() =>
      commands.setDatabaseLocation(locationOf(form), passwordOf(form)),
    );
    setConfirming(false);
    if (r?.status === "ok") onOpened(r.data);
  };

  return (
    <Section
      title="Database"
      description="Where this computer keeps the clinic: its own file, or the clinic's database server that every front desk shares."
      testid="database-section"
    >
      <fieldset class="radio-group">
        <legend>The clinic database of this computer</legend>
        {(
          [
            [
              "local",
              "This computer",
              "A file in this computer's app folder. Only this desk uses it.",
            ],
            [
              "server",
              "The clinic's server",
              "PostgreSQL, shared by every front desk and the web server.",
            ],
          ] as const
        ).map(([value, title, text]) => (
          <label class="radio-card" key={value}>
            <input
              type="radio"
              name="database-where"
              value={value}
              checked={form.where === value}
              onChange={() => update({ where: value })}
              data-testid={`database-${value}`}
            />
            <span>
              <strong>{title}</strong>
              <span class="muted">{text}</span>
            </span>
          </label>
        ))}
      </fieldset>

      {server ? (
        <>
          <div class="grid-2">
            <TextField {...field("host", "Server", "database-host")} placeholder="db.clinic.lan" />
            <TextField
              {...field("port", "Port", "database-port")}
              type="number"
              inputMode="numeric"
              min={1}
              max={65535}
            />
          </div>
          <div class="grid-2">
            <TextField {...field("database", "Database", "database-name")} />
            <TextField {...field("user", "User", "database-user")} autoComplete="off" />
          </div>
          <PasswordField
            {...field("password", "Password", "database-password")}
            autoComplete="new-password"
            hint={
              loaded.hasPassword
                ? "A password is kept in this computer's keyring; leave this empty to keep it."
                : "Kept in this computer's keyring, never in a file."
            }
          />
          <FieldFrame label="TLS" error={errorFor(invalid, "database.tls")}>
            {(wiring) => (
              <select
                {...wiring}
                name="database.tls"
                value={form.tls}
                data-testid="database-tls"
                onChange={(e) => update({ tls: e.currentTarget.value as TlsChoice })}
              >
                {TLS_CHOICES.map((t) => (
                  <option key={t.value} value={t.value}>
                    {t.label}
                  </option>
                ))}
              </select>
            )}
          </FieldFrame>
          {form.tls === "verifyFull" ? (
            <TextField
              {...field("caFile", "CA file (optional)", "database-ca-file")}
              hint="The full path of the certificate authority (PEM) that signed the server's certificate, when it is the clinic's own."
            />
          ) : null}
        </>
      ) : null}

      <div class="message-slot" role="status" data-testid="database-result">
        {check ? (
          <Notice tone={check.ok ? "success" : "danger"}>
            <p data-testid={`database-check-${check.kind}`}>{check.message}</p>
          </Notice>
        ) : null}
        {invalid && !invalid.field ? <ErrorAlert error={invalid} testid="database-error" /> : null}
      </div>
      {canMove ? (
        <p id="database-move-hint" class="muted" data-testid="database-move-hint">
          Move this clinic copies everything in this computer's file to that database; Use this
          database opens it empty, to set up a clinic there.
        </p>
      ) : null}
      <div class="button-row">
        {server ? (
          <button
            type="button"
            class="button button-secondary"
            data-testid="database-test"
            disabled={testing.busy}
            onClick={() => void test()}
          >
            {testing.busy ? "Testing…" : "Test connection"}
          </button>
        ) : null}
        <button
          type="button"
          class="button button-primary"
          data-testid="database-use"
          disabled={moving.busy || (server && !check?.ok)}
          onClick={() => setConfirming(true)}
        >
          Use this database
        </button>
        {canMove ? (
          <button
            type="button"
            class="button button-secondary"
            data-testid="database-move"
            aria-describedby="database-move-hint"
            onClick={() => setMovingClinic(true)}
          >
            Move this clinic to the server
          </button>
        ) : null}
      </div>
      {loaded.location.kind === "server" ? <ClinicKeys /> : null}
      {movingClinic ? (
        <MoveDialog
          form={form}
          onClose={() => setMovingClinic(false)}
          onMoved={(report) => onOpened(report.info, movedNotice(report))}
        />
      ) : null}
      {confirming ? (
        <Modal
          title="Use this database"
          onClose={() => setConfirming(false)}
          size="sm"
          testid="database-confirm"
          describedBy="database-confirm-text"
          initialFocus={confirmRef}
          footer={
            <>
              <button
                type="button"
                class="button button-ghost"
                onClick={() => setConfirming(false)}
              >
                Cancel
              </button>
              <button
                ref={confirmRef}
                type="button"
                class="button button-primary"
                data-testid="database-confirm-yes"
                disabled={moving.busy}
                onClick={() => void move()}
              >
                {moving.busy ? "Opening…" : "Open it"}
              </button>
            </>
          }
        >
          <p id="database-confirm-text" class="confirm-text">
            {server
              ? `This computer will open the clinic database ${form.database} on ${form.host}. Everyone signed in here is signed out.`
              : "This computer will open the clinic in its own file again. Everyone signed in here is signed out."}
          </p>
        </Modal>
      ) : null}
    </Section>
  );
}
