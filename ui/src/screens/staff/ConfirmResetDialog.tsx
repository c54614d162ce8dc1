import { useRef } from "preact/hooks";
import { Modal } from "../../components/Modal";
import { maskEmail } from "../../format";

/** Asks before a reset link goes out, naming the masked address it goes to. */
export function ConfirmResetDialog({
  name,
  email,
  onConfirm,
  onCancel,
}: {
  name: string;
  email: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      title="Send reset link?"
      onClose={onCancel}
      size="sm"
      testid="confirm-dialog"
      describedBy="confirm-text"
      initialFocus={confirmRef}
      footer={
        <>
          <button
            type="button"
            class="button button-ghost"
            data-testid="confirm-no"
            onClick={onCancel}
          >
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="button"
            class="button button-primary"
            data-testid="confirm-yes"
            onClick={onConfirm}
          >
            Confirm
          </button>
        </>
      }
    >
      <p id="confirm-text" data-testid="confirm-text" class="confirm-text">
        Send a reset link to <span class="nowrap">{maskEmail(email)}</span>?
      </p>
      <p class="muted">
        {name} gets an email with a link to choose a new password. Any earlier reset link for this
        account stops working.
      </p>
    </Modal>
  );
}
