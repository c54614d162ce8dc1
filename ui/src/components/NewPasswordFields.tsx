import { useState } from "preact/hooks";
import type { PasswordPolicyInfo } from "../bindings";
import type { useTextInput } from "../hooks";
import { PasswordField } from "./PasswordField";

type TextInput = ReturnType<typeof useTextInput>;
type Naming = { label: string; testid: string; name: string };

/** Counts what a person sees as characters, not UTF-16 units. */
function charCount(s: string): number {
  return Array.from(s.normalize("NFC")).length;
}

function lengthHint(policy: PasswordPolicyInfo | null, password: string): string {
  if (!policy) return "\u00a0";
  const count = charCount(password);
  const { minLength: min, maxLength: max } = policy;
  if (count === 0) return `At least ${min} characters.`;
  if (count < min) return `${count} characters: ${min - count} more needed.`;
  if (count > max) return `${count} characters: ${count - max} too many.`;
  return `${count} characters: long enough.`;
}

function matchHint(password: string, confirm: string): string {
  if (confirm.length === 0) return "\u00a0";
  return confirm === password ? "Passwords match." : "Passwords don't match yet.";
}

/**
 * The password policy in words, then a new password typed twice, with live hints on its
 * length and on whether the two match.
 */
export function NewPasswordFields({
  policy,
  password,
  confirm,
  naming,
  errors,
  disabled = false,
  autoFocus = false,
}: {
  policy: PasswordPolicyInfo | null;
  password: TextInput;
  confirm: TextInput;
  naming: { password: Naming; confirm: Naming };
  errors?: { password: string | null; confirm: string | null };
  disabled?: boolean;
  autoFocus?: boolean;
}) {
  const [shown, setShown] = useState(false);
  // One show/hide switch for both, so the person can compare what they typed.
  const both = {
    autoComplete: "new-password",
    shown,
    onToggle: () => setShown((s) => !s),
    disabled,
  };
  return (
    <>
      <div class="policy" id="password-policy" data-testid="password-policy">
        {policy ? (
          <p>
            Use <strong>{policy.minLength}</strong> to <strong>{policy.maxLength}</strong>{" "}
            characters. A few unrelated words are strong and easy to remember. Spaces, symbols and
            any language are fine; there are no other rules.
          </p>
        ) : (
          <p>{"\u00a0"}</p>
        )}
        <p class="muted">
          Common or leaked passwords, and ones containing your name or the clinic's, are refused.
        </p>
      </div>
      <PasswordField
        {...both}
        {...naming.password}
        {...password}
        error={errors?.password}
        hint={<span class="live-hint">{lengthHint(policy, password.value)}</span>}
        autoFocus={autoFocus}
      />
      <PasswordField
        {...both}
        {...naming.confirm}
        {...confirm}
        error={errors?.confirm}
        hint={<span class="live-hint">{matchHint(password.value, confirm.value)}</span>}
      />
    </>
  );
}
