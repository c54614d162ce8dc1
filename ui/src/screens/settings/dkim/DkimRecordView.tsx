import type { DkimRecord } from "../../../bindings";
import { CopyField } from "../../../components/CopyField";

/** The TXT record the clinic publishes in DNS, ready to copy into its DNS host's form. */
export function DkimRecordView({ record }: { record: DkimRecord }) {
  return (
    <div class="dkim-record" data-testid="dkim-record">
      <h4 class="subsection-title">DNS record to publish</h4>
      <p class="muted">
        Add a TXT record with this name and value at the clinic's DNS host. Mail providers use it to
        check that signed mail really comes from the clinic.
      </p>
      <CopyField
        key={record.name}
        label="Record name"
        value={record.name}
        copyLabel="Copy name"
        testid="dkim-record-name"
      />
      <CopyField
        key={record.value}
        label="Record value (TXT)"
        value={record.value}
        copyLabel="Copy value"
        multiline
        testid="dkim-record-value"
      />
    </div>
  );
}
