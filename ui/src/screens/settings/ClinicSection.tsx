import { FieldFrame } from "../../components/FieldFrame";
import { TextField } from "../../components/TextField";
import type { Bind } from "./draft";
import { Section } from "./Section";
import { ClinicUrlField } from "./ClinicUrlField";

export function ClinicSection({ bind }: { bind: Bind }) {
  const address = bind("clinic.address");
  return (
    <Section title="Clinic details" description="Shown in every email VetDesk sends.">
      <div class="grid-2">
        <TextField label="Clinic name" {...bind("clinic.name")} testid="clinic-name-input" />
        <TextField label="Phone" type="tel" {...bind("clinic.phone")} testid="clinic-phone" />
        <TextField
          label="Clinic email"
          type="email"
          {...bind("clinic.email")}
          testid="clinic-email"
        />
        <ClinicUrlField field={bind("clinic.clinicUrl")} />
      </div>
      <FieldFrame label="Address" error={address.error}>
        {(wiring) => (
          <textarea
            {...wiring}
            name={address.name}
            rows={2}
            value={address.value}
            onInput={(e) => address.onInput(e.currentTarget.value)}
            data-testid="clinic-address"
          />
        )}
      </FieldFrame>
    </Section>
  );
}
