import type { DkimSettings } from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { TextField } from "../../../components/TextField";
import type { Bind } from "../draft";
import { DkimKeyForm } from "./DkimKeyForm";
import { DkimRecordView } from "./DkimRecordView";
import { useDkimRecord } from "./useDkimRecord";

/** Where the record stands, when there is none to show yet. */
function missing(saved: DkimSettings | null, key: string): string {
  if (!saved) return "Save a DKIM domain and selector to see the DNS record to publish.";
  if (key !== "stored") return "Save or generate a key to see the DNS record to publish.";
  return "\u00a0";
}

/**
 * Settings › Mail › DKIM signing: the domain and selector (saved with the other settings) and
 * this computer's private key, with the DNS record that publishes its public half.
 */
export function DkimSigning({ bind, saved }: { bind: Bind; saved: DkimSettings | null }) {
  const dkim = useDkimRecord(saved);
  const domain = bind("mail.dkim.domain");
  const selector = bind("mail.dkim.selector");
  const edited =
    domain.value.trim().toLowerCase() !== (saved?.domain ?? "") ||
    selector.value.trim().toLowerCase() !== (saved?.selector ?? "");

  return (
    <div class="dkim" data-testid="dkim">
      <h3 class="section-title">DKIM signing</h3>
      <p class="muted">
        Signs every email sent through SMTP, so that mail providers can tell it really comes from
        the clinic. Leave both fields empty to send unsigned mail.
      </p>
      <div class="grid-2">
        <TextField
          label="DKIM domain"
          {...domain}
          placeholder="riverside-vet.example"
          hint="The From address's domain, or the domain it belongs to."
          testid="dkim-domain"
        />
        <TextField
          label="Selector"
          {...selector}
          placeholder="vetdesk1"
          hint="One word, as the clinic's DNS host has it."
          testid="dkim-selector"
        />
      </div>
      <DkimKeyForm keyState={dkim.key} onChanged={dkim.keyChanged} />
      <p class="field-hint" data-testid="dkim-keyring-hint">
        The private key is kept in this computer's keyring, not in the clinic database: every
        computer that sends the clinic's mail needs the same key saved on it.
      </p>
      {dkim.record ? (
        <>
          {edited ? (
            <p class="muted" data-testid="dkim-record-stale">
              This record is for the saved domain and selector; save the settings to see the new
              one.
            </p>
          ) : null}
          <DkimRecordView record={dkim.record} />
        </>
      ) : (
        <p class="muted" data-testid="dkim-record-missing">
          {missing(saved, dkim.key)}
        </p>
      )}
      <ErrorAlert error={dkim.error} testid="dkim-record-error" />
    </div>
  );
}
