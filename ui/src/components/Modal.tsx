import type { ComponentChildren, RefObject, TargetedEvent } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { Icon } from "./Icon";

/**
 * A modal built on <dialog>: focus stays inside, Escape closes, and focus returns to
 * whatever opened it.
 */
export function Modal({
  title,
  onClose,
  children,
  size = "md",
  testid,
  footer,
  describedBy,
  initialFocus,
}: {
  title: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
  size?: "sm" | "md" | "lg";
  testid?: string;
  footer?: ComponentChildren;
  describedBy?: string;
  initialFocus?: RefObject<HTMLElement | null>;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    if (initialFocus?.current) initialFocus.current.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
    // The dialog opens once per mount; later prop changes do not reopen it.
  }, []);
  const onCancel = (e: TargetedEvent<HTMLDialogElement, Event>) => {
    e.preventDefault();
    onCloseRef.current();
  };
  return (
    <dialog
      ref={ref}
      class={`modal modal-${size}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      onCancel={onCancel}
      data-testid={testid}
    >
      <div class="modal-header">
        <h2 id={titleId} class="modal-title">
          {title}
        </h2>
        <button
          type="button"
          class="icon-button"
          aria-label="Close"
          title="Close"
          data-testid="dialog-close"
          onClick={() => onCloseRef.current()}
        >
          <Icon name="close" />
        </button>
      </div>
      <div class="modal-body">{children}</div>
      {footer ? <div class="modal-footer">{footer}</div> : null}
    </dialog>
  );
}
