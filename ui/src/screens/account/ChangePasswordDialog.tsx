import { useEffect, useRef, useState } from "preact/hooks";
import { commands, type PasswordPolicyInfo } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Modal } from "../../components/Modal";
import { NewPasswordFields } from "../../components/NewPasswordFields";
import { PasswordField } from "../../components/PasswordField";
import { errorFor, focusField } from "../../fieldError";
import { useTextInput } from "../../hooks";
import { useCommand } from "../../useCommand";
import { promptForEmpty } from "../auth/emptyField";
import { BusyButton } from "../../components/BusyButton";

// The names are the back end's field keys, so an error lands under the field it names.
const NAMING = {
  password: { label: "New password", testid: "change-new-password", name: "password" },
  confirm: { label: "Confirm new password", testid: "change-confirm-password", name: "confirm" },
};
const FIELD_KEYS = ["current", "password", "confirm"];

/** The signed-in person's own password: the current one, then a new one under the policy. */
export function ChangePasswordDialog({
  onChanged,
  onClose,
}: {
  onChanged: () => void;
  onClose: () => void;
}) {
  const [policy, setPolicy] = useState<PasswordPolicyInfo | null>(null);
  const current = useTextInput();
  const password = useTextInput();
  const confirm = useTextInput();
  const [missing, setMissing] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const policyLoad = useCommand();
  const change = useCommand();

  useEffect(() => {
    void (async () => {
      const p = await policyLoad.run(commands.passwordPolicy());
      if (p?.status === "ok") setPolicy(p.data);
    })();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (change.busy) return;
    const prompt = promptForEmpty(
      [current.value, "Enter your current password.", current.inputRef],
      [password.value, "Enter a new password.", password.inputRef],
      [confirm.value, "Type the new password a second time to confirm it.", confirm.inputRef],
    );
    setMissing(prompt);
    if (prompt) return;
    const r = await change.run(
      commands.changePassword(current.value, password.value, confirm.value),
    );
    if (!r) return;
    if (r.status === "ok") {
      onChanged();
      return;
    }
    if (r.error.field === "current") current.onInput("");
    if (r.error.field === "confirm") confirm.onInput("");
    focusField(form.current, r.error.field);
  };

  const elsewhere =
    change.error && !FIELD_KEYS.includes(change.error.field ?? "") ? change.error : null;

  return (
    <Modal
      title="Change password"
      onClose={onClose}
      testid="change-password-dialog"
      footer={
        <>
          <button type="button" class="button button-ghost" onClick={onClose}>
            Cancel
          </button>
          <BusyButton
            form="change-password-form"
            class="button button-primary"
            testid="change-password-submit"
            busy={change.busy}
            busyLabel="Saving…"
          >
            Change password
          </BusyButton>
        </>
      }
    >
      <form id="change-password-form" ref={form} class="stack" onSubmit={submit} noValidate>
        <p class="muted">
          Your other sessions are signed out when your password changes; this one stays.
        </p>
        <PasswordField
          label="Current password"
          name="current"
          testid="current-password"
          autoComplete="current-password"
          {...current}
          error={errorFor(change.error, "current")}
          autoFocus
        />
        <NewPasswordFields
          policy={policy}
          password={password}
          confirm={confirm}
          naming={NAMING}
          errors={{
            password: errorFor(change.error, "password"),
            confirm: errorFor(change.error, "confirm"),
          }}
        />
        <div class="message-slot">
          <ErrorAlert error={missing ?? elsewhere} />
        </div>
      </form>
    </Modal>
  );
}
