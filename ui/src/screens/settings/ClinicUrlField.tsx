import { useState } from "preact/hooks";
import { commands, type ClinicUrlStatus } from "../../bindings";
import { BusyButton } from "../../components/BusyButton";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FieldFrame } from "../../components/FieldFrame";
import { Notice } from "../../components/Notice";
import { errorFor } from "../../fieldError";
import { useCommand } from "../../useCommand";
import type { Bind } from "./draft";

const FIELD = "clinic.clinicUrl";

/**
 * The clinic web address, with a Check button that asks the address as typed (saved or not)
 * whether vetdesk-server answers there: every link in the clinic's emails is built from it.
 */
export function ClinicUrlField({ field }: { field: ReturnType<Bind> }) {
  const [status, setStatus] = useState<ClinicUrlStatus | null>(null);
  const check = useCommand();

  const run = async () => {
    setStatus(null);
    const r = await check.run(commands.checkClinicUrl(field.value));
    if (r?.status === "ok") setStatus(r.data);
  };

  const error = field.error ?? errorFor(check.error, FIELD);
  return (
    <div class="clinic-url">
      <FieldFrame
        label="Clinic web address (optional)"
        hint="When set, reset links open on the clinic's web page. Check asks it whether VetDesk's server answers there."
        error={error}
      >
        {(wiring) => (
          <div class="input-with-button">
            <input
              {...wiring}
              type="url"
              name={field.name}
              value={field.value}
              placeholder="https://"
              autoComplete="off"
              spellcheck={false}
              onInput={(e) => {
                field.onInput(e.currentTarget.value);
                setStatus(null);
                check.clear();
              }}
              data-testid="clinic-url"
            />
            <BusyButton
              type="button"
              class="button button-secondary"
              testid="clinic-url-check"
              busy={check.busy}
              busyLabel="Checking…"
              onClick={() => void run()}
            >
              Check
            </BusyButton>
          </div>
        )}
      </FieldFrame>
      <div class="message-slot message-slot-tight" role="status" data-testid="clinic-url-status">
        {status ? (
          <Notice
            tone={status.live ? "success" : "warning"}
            testid={status.live ? "clinic-url-live" : "clinic-url-down"}
            live={false}
          >
            <p>
              <strong>{status.live ? "Live" : "Not live"}</strong>
              {status.version ? ` · VetDesk server ${status.version}` : null}
            </p>
            <p>{status.message}</p>
          </Notice>
        ) : null}
      </div>
      {check.error && check.error.field !== FIELD ? (
        <ErrorAlert error={check.error} testid="clinic-url-error" />
      ) : null}
    </div>
  );
}
