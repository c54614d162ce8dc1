import { useState } from "preact/hooks";
import { commands, type ExportedKey } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Notice } from "../../components/Notice";
import { useCommand } from "../../useCommand";

/**
 * Writes this computer's outbox key to a file for vetdesk-server, so that the clinic's web
 * server can send the emails this desk queues. The key never shows on screen: only the file's
 * place and the key's fingerprint, which the server logs at start to compare.
 */
export function ServerKey() {
  const [exported, setExported] = useState<ExportedKey | null>(null);
  const exporting = useCommand();

  const run = async () => {
    setExported(null);
    const r = await exporting.run(() => commands.exportDispatchKey());
    if (r?.status === "ok") setExported(r.data);
  };

  return (
    <div class="server-key" data-testid="server-key">
      <h3 class="section-title">Sending from vetdesk-server</h3>
      <p class="field-hint" id="server-key-hint">
        The clinic's web server can send the emails this computer queues once it has this computer's
        outbox key. Export it to a file, copy the file to the server and name it in
        VETDESK_DISPATCH_KEY_FILE (see the server guide). The file opens every queued link: keep it
        where only the server can read it.
      </p>
      <button
        type="button"
        class="button button-secondary"
        data-testid="server-key-export"
        aria-describedby="server-key-hint"
        disabled={exporting.busy}
        onClick={() => void run()}
      >
        {exporting.busy ? "Exporting…" : "Export key for vetdesk-server"}
      </button>
      <div class="message-slot message-slot-tight" role="status" data-testid="server-key-result">
        {exported ? (
          <Notice tone="success">
            <p>
              Written to <code data-testid="server-key-path">{exported.path}</code>. Its fingerprint
              is <code data-testid="server-key-fingerprint">{exported.fingerprint}</code>;
              vetdesk-server logs the same when it starts with it.
            </p>
          </Notice>
        ) : null}
        {exporting.error ? <ErrorAlert error={exporting.error} testid="server-key-error" /> : null}
      </div>
    </div>
  );
}
