import { useEffect, useState } from "preact/hooks";
import { commands, type About } from "../../bindings";
import { BusyButton } from "../../components/BusyButton";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Modal } from "../../components/Modal";
import { useCommand } from "../../useCommand";

/**
 * Help › About: which VetDesk this is, the database it works on, and where its logs are, with
 * a button that opens the logs folder for whoever is asked to look at them.
 */
export function AboutDialog({ onClose }: { onClose: () => void }) {
  const [about, setAbout] = useState<About | null>(null);
  const load = useCommand();
  const opener = useCommand();

  useEffect(() => {
    void load.run(commands.about()).then((r) => {
      if (r?.status === "ok") setAbout(r.data);
    });
  }, []);

  return (
    <Modal title="About VetDesk" onClose={onClose} testid="about-dialog" size="md">
      <ErrorAlert error={load.error} />
      {about ? (
        <>
          <dl class="about-details">
            <dt>Version</dt>
            <dd data-testid="about-version">{about.version}</dd>
            <dt>Database</dt>
            <dd data-testid="about-database">{about.database}</dd>
            <dt>Logs folder</dt>
            <dd class="mono-soft" data-testid="about-logs">
              {about.logsFolder}
            </dd>
          </dl>
          <p class="muted">
            The logs say what VetDesk did and what went wrong, never a password, code or link. Send
            them to whoever looks after this computer when they ask.
          </p>
          <ErrorAlert error={opener.error} testid="about-open-error" />
          <div class="about-actions">
            <BusyButton
              type="button"
              class="button button-primary"
              busy={opener.busy}
              busyLabel="Opening…"
              testid="about-open-logs"
              onClick={() => void opener.run(commands.openLogsFolder())}
            >
              Open logs folder
            </BusyButton>
          </div>
        </>
      ) : null}
    </Modal>
  );
}
