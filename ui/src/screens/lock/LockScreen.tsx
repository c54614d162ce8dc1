import type { TargetedEvent } from "preact";
import { useEffect, useRef } from "preact/hooks";
import type { AppInfo, SessionInfo } from "../../bindings";
import { BusyButton } from "../../components/BusyButton";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Icon } from "../../components/Icon";
import { PasswordField } from "../../components/PasswordField";
import { usePasswordConfirm } from "./usePasswordConfirm";

const NO_PASSWORD = "Enter your password to unlock.";

/**
 * Covers the current page after the idle time, or when someone locks it: the page stays as it
 * was underneath, out of sight. The signed-in person's password opens it; anyone may sign out.
 * A modal <dialog> opened last, so it sits above any dialog the page had open, and Escape
 * does not close it.
 */
export function LockScreen({
  info,
  session,
  onUnlocked,
  onSignOut,
}: {
  info: AppInfo;
  session: SessionInfo;
  onUnlocked: () => void;
  onSignOut: () => void;
}) {
  const { password, submit, busy, fieldError, otherError } = usePasswordConfirm(
    NO_PASSWORD,
    onUnlocked,
  );
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    password.inputRef.current?.focus();
    return () => d?.close();
  }, []);

  return (
    <dialog
      ref={dialog}
      class="auth-page lock-screen"
      aria-labelledby="lock-title"
      data-testid="lock-screen"
      onCancel={(e: TargetedEvent<HTMLDialogElement, Event>) => e.preventDefault()}
    >
      <section class="auth-card">
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="lock" size={22} />
          </span>
          <div>
            <p class="brand-name">VetDesk</p>
            <p class="brand-clinic">{info.clinicName || "\u00a0"}</p>
          </div>
        </div>
        <h1 class="screen-title" id="lock-title">
          Locked
        </h1>
        <p class="muted" data-testid="lock-user">
          {session.displayName} is signed in. Enter your password to go back to where you were.
        </p>
        <form class="stack" onSubmit={submit} noValidate>
          <PasswordField
            label="Password"
            name="password"
            testid="lock-password"
            autoComplete="current-password"
            error={fieldError}
            {...password}
          />
          <div class="message-slot">
            <ErrorAlert error={otherError} testid="lock-error" />
          </div>
          <BusyButton
            class="button button-primary button-block"
            testid="unlock"
            busy={busy}
            busyLabel="Unlocking…"
          >
            Unlock
          </BusyButton>
        </form>
        <div class="auth-links">
          <button type="button" class="link-button" data-testid="lock-signout" onClick={onSignOut}>
            Not {session.displayName}? Sign out
          </button>
        </div>
      </section>
    </dialog>
  );
}
