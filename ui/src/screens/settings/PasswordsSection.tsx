import type { Bounds } from "../../bindings";
import { TextField } from "../../components/TextField";
import type { Bind } from "./draft";
import { Section } from "./Section";
import { UrlField } from "./UrlField";

export function PasswordsSection({ bind, minLength }: { bind: Bind; minLength: Bounds }) {
  return (
    <Section
      title="Passwords"
      description="Length matters most; VetDesk sets no composition rules."
    >
      <div class="grid-2">
        <TextField
          label="Minimum length"
          type="number"
          inputMode="numeric"
          min={minLength.min}
          max={minLength.max}
          {...bind("passwordMinLength")}
          hint={`At least ${minLength.min}; 15 is recommended.`}
          testid="min-length"
        />
        <UrlField
          label="Breached-password check URL (optional)"
          field={bind("breachCheckUrl")}
          hint="A k-anonymity range API (HIBP style). Leave empty to turn the online lookup off."
          testid="breach-url"
        />
      </div>
    </Section>
  );
}
