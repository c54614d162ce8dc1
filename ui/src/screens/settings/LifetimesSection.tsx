import type { LifetimeBounds } from "../../bindings";
import { TextField } from "../../components/TextField";
import { LIFETIMES, type Bind } from "./draft";
import { Section } from "./Section";

export function LifetimesSection({ bind, limits }: { bind: Bind; limits: LifetimeBounds }) {
  return (
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
            min={limits[l.key].min}
            max={limits[l.key].max}
            {...bind(`lifetimes.${l.key}`)}
            hint={l.hint}
            testid={`lifetime-${l.key}`}
          />
        ))}
      </div>
    </Section>
  );
}
