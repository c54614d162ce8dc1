import { BusyButton } from "../../components/BusyButton";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Modal } from "../../components/Modal";
import { PasswordField } from "../../components/PasswordField";
import { usePasswordConfirm } from "./usePasswordConfirm";

const NO_PASSWORD = "Enter your password to confirm.";

/**
 * Asks the signed-in person for their password before a sensitive change (a one-time code, a
 * new email, an admin's reset, Settings); the change goes ahead once it is confirmed.
 */
export function ConfirmPasswordDialog({
  displayName,
  onConfirmed,
  onCancel,
}: {
  displayName: string;
  onConfirmed: () => void;
  onCancel: () => void;
}) {
  const { password, submit, busy, fieldError, otherError } = usePasswordConfirm(
    NO_PASSWORD,
    onConfirmed,
  );

  return (
    <Modal
      title="Confirm it's you"
      size="sm"
      onClose={onCancel}
      testid="confirm-password-dialog"
      footer={
        <>
          <button type="button" class="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
          <BusyButton
            form="confirm-password-form"
            class="button button-primary"
            testid="confirm-password-submit"
            busy={busy}
            busyLabel="Checking…"
          >
            Confirm
          </BusyButton>
        </>
      }
    >
      <form id="confirm-password-form" class="stack" onSubmit={submit} noValidate>
        <p>
          {displayName}, enter your password to go on. VetDesk asks again for this kind of change
          when your password was last entered more than five minutes ago.
        </p>
        <PasswordField
          label="Your password"
          name="password"
          testid="confirm-password"
          autoComplete="current-password"
          autoFocus
          error={fieldError}
          {...password}
        />
        <div class="message-slot">
          <ErrorAlert error={otherError} testid="confirm-password-error" />
        </div>
      </form>
    </Modal>
  );
}
