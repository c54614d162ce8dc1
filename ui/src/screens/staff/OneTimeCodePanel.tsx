import type { OneTimeCode } from "../../bindings";
import { formatTime, isoOf, secondsUntil } from "../../format";

function remainingText(secs: number): string {
  if (secs >= 60) return `${Math.round(secs / 60)} min`;
  return `${secs} s`;
}

/** The code to hand over in person, big, with how long it stays valid. */
export function OneTimeCodePanel({
  code,
  name,
  now,
  onHide,
}: {
  code: OneTimeCode;
  name: string;
  now: number;
  onHide: () => void;
}) {
  const secs = secondsUntil(code.expiresAt, now);
  return (
    <div
      class="code-panel"
      data-testid="one-time-code-panel"
      role="region"
      aria-label="One-time code"
    >
      <p class="code-label">One-time code for {name}</p>
      <p class="code-value" data-testid="one-time-code-value">
        {code.code}
      </p>
      <p class="code-expiry" data-testid="one-time-code-expiry">
        {secs > 0 ? (
          <>
            Valid until <time dateTime={isoOf(code.expiresAt)}>{formatTime(code.expiresAt)}</time> (
            {remainingText(secs)} left)
          </>
        ) : (
          "This code has expired. Create a new one if they still need it."
        )}
      </p>
      <p class="code-note">
        Hand this code over in person, or read it out only after you've confirmed who you're
        speaking to. Don't email or message it. They enter it on the sign-in screen under{" "}
        <strong>I have a reset code</strong>. Creating a new code cancels this one.
      </p>
      <button type="button" class="button button-ghost button-small" onClick={onHide}>
        Hide code
      </button>
    </div>
  );
}
