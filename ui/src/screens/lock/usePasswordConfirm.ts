import { useState } from "preact/hooks";
import { commands } from "../../bindings";
import { useTextInput } from "../../hooks";
import { useCommand } from "../../useCommand";

/**
 * The signed-in person's password, entered again (the lock screen, Confirm it's you): the
 * field, its submit, and the refusal split into the one under the field and any other.
 */
export function usePasswordConfirm(emptyPrompt: string, onConfirmed: () => void) {
  const password = useTextInput();
  const [missing, setMissing] = useState<string | null>(null);
  const confirm = useCommand();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (confirm.busy) return;
    setMissing(password.value ? null : emptyPrompt);
    if (!password.value) {
      password.inputRef.current?.focus();
      return;
    }
    const r = await confirm.run(commands.confirmPassword(password.value));
    if (!r) return;
    if (r.status === "ok") {
      onConfirmed();
      return;
    }
    password.onInput("");
    password.inputRef.current?.focus();
  };

  const fieldError = confirm.error?.field === "password" ? confirm.error.message : null;
  return {
    password,
    submit,
    busy: confirm.busy,
    fieldError,
    otherError: missing ?? (fieldError ? null : confirm.error),
  };
}
