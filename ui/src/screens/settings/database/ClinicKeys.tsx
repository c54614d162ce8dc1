import { useEffect, useState } from "preact/hooks";
import { commands, type ClinicKeysStatus, type ExportedKey } from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { Notice } from "../../../components/Notice";
import { Spinner } from "../../../components/Spinner";
import { TextField } from "../../../components/TextField";
import { errorFor } from "../../../fieldError";
import { useCommand } from "../../../useCommand";

/**
 * The clinic's keys on a computer whose clinic is on the server: every front desk needs the
 * same ones to send the emails any desk queues and to accept a code shown at another desk. A
 * desk that holds them exports them to a file; the next desk imports that file. The keys never
 * show on screen: only the file's place and the outbox key's fingerprint.
 */
export function ClinicKeys() {
  const [status, setStatus] = useState<ClinicKeysStatus | null>(null);
  const [exported, setExported] = useState<ExportedKey | null>(null);
  const [path, setPath] = useState("");
  const [imported, setImported] = useState(false);
  const load = useCommand();
  const exporting = useCommand();
  const importing = useCommand();

  useEffect(() => {
    void (async () => {
      const r = await load.run(commands.clinicKeysStatus());
      if (r?.status === "ok") setStatus(r.data);
    })();
  }, []);

  const exportKeys = async () => {
    setExported(null);
    const r = await exporting.run(() => commands.exportClinicKeys());
    if (r?.status === "ok") setExported(r.data);
  };
  const importKeys = async () => {
    setImported(false);
    const r = await importing.run(() => commands.importClinicKeys(path));
    if (r?.status === "ok") {
      setStatus(r.data);
      setImported(true);
      setPath("");
    }
  };

  return (
    <div class="clinic-keys" data-testid="clinic-keys">
      <h3 class="section-title">The clinic's keys on this computer</h3>
      {status === null ? (
        load.error ? (
          <ErrorAlert error={load.error} testid="clinic-keys-error" />
        ) : (
          <p class="muted" role="status">
            <Spinner /> Checking…
          </p>
        )
      ) : status.holds ? (
        <>
          <p class="field-hint" id="clinic-keys-hint" data-testid="clinic-keys-held">
            This computer holds the clinic's keys (fingerprint <code>{status.fingerprint}</code>
            ). To add a front desk, export them, carry the file to that computer on a USB stick you
            keep or a folder only admins reach, import it there in Setup › Database, then delete
            every copy of the file: it opens every link the clinic's emails carry.
          </p>
          <button
            type="button"
            class="button button-secondary"
            data-testid="clinic-keys-export"
            aria-describedby="clinic-keys-hint"
            disabled={exporting.busy}
            onClick={() => void exportKeys()}
          >
            {exporting.busy ? "Exporting…" : "Export keys for another workstation"}
          </button>
        </>
      ) : (
        <>
          <Notice tone="warning">
            <p data-testid="clinic-keys-missing">
              This computer does not hold the clinic's keys, so it cannot send reset links or make
              one-time codes. On a desk whose emails go out, an admin uses Export keys for another
              workstation here in Setup › Database; bring that file to this computer and import it.
            </p>
          </Notice>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void importKeys();
            }}
          >
            <TextField
              class="inline-form-field"
              label="Keys file"
              name="path"
              value={path}
              onInput={setPath}
              placeholder="/media/usb/vetdesk-clinic-keys.key"
              hint="The full path of the file on this computer."
              error={errorFor(importing.error, "path")}
              testid="clinic-keys-path"
            />
            <div class="inline-form-actions">
              <button
                type="submit"
                class="button button-primary"
                data-testid="clinic-keys-import"
                disabled={importing.busy}
              >
                {importing.busy ? "Importing…" : "Import keys"}
              </button>
            </div>
          </form>
        </>
      )}
      <div class="message-slot message-slot-tight" role="status" data-testid="clinic-keys-result">
        {imported ? (
          <Notice tone="success">
            <p data-testid="clinic-keys-imported">
              Imported. This computer now sends the clinic's emails and accepts codes shown at the
              other desks. Delete the keys file from wherever you brought it.
            </p>
          </Notice>
        ) : null}
        {exported ? (
          <Notice tone="success">
            <p>
              Written to <code data-testid="clinic-keys-file">{exported.path}</code>, readable only
              by you on this computer. Its fingerprint is{" "}
              <code data-testid="clinic-keys-fingerprint">{exported.fingerprint}</code>; the other
              desk shows the same once it has imported it.
            </p>
          </Notice>
        ) : null}
        {exporting.error ? <ErrorAlert error={exporting.error} /> : null}
        {importing.error && !importing.error.field ? <ErrorAlert error={importing.error} /> : null}
      </div>
    </div>
  );
}
