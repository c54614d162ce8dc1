import type { SessionBounds } from "../../bindings";
import { TextField } from "../../components/TextField";
import type { Bind } from "./draft";
import { Section } from "./Section";

/** How long a shared front desk stays open to the person who signed in. */
export function SessionsSection({ bind, limits }: { bind: Bind; limits: SessionBounds }) {
  return (
    <Section
      title="Shared desks"
      description="A front-desk screen locks when nobody uses it, and sign-ins end after a working day."
    >
      <div class="grid-2">
        <TextField
          label="Lock the screen after (minutes idle)"
          type="number"
          inputMode="numeric"
          min={limits.idleLockMinutes.min}
          max={limits.idleLockMinutes.max}
          {...bind("sessions.idleLockMinutes")}
          hint="Recommended: 10. The signed-in person's password unlocks it."
          testid="idle-lock-minutes"
        />
        <TextField
          label="Sign out after (hours)"
          type="number"
          inputMode="numeric"
          min={limits.maxHours.min}
          max={limits.maxHours.max}
          {...bind("sessions.maxHours")}
          hint="Recommended: 12, however busy the desk is."
          testid="max-session-hours"
        />
        <TextField
          label="Offline sign-in (days)"
          type="number"
          inputMode="numeric"
          min={limits.offlineSignInDays.min}
          max={limits.offlineSignInDays.max}
          {...bind("sessions.offlineSignInDays")}
          hint="While a desk cannot reach the clinic's server, it signs in people who signed in there within this many days. Recommended: 7; 0 turns it off."
          testid="offline-sign-in-days"
        />
      </div>
    </Section>
  );
}
