import type { AppInfo } from "../bindings";
import { Notice } from "../components/Notice";

/** A real clinic whose mail only reaches the preview outbox sends nothing to anyone; the demo
 * clinic's preview is where a visitor reads its mail. */
export function mailNotSent(info: AppInfo): boolean {
  return info.mailTransport === "preview" && !info.demo;
}

/** Says that mail is not being sent, and what to do instead. */
export function MailNotSent({ onOpenSettings }: { onOpenSettings?: () => void }) {
  return (
    <Notice tone="warning" testid="mail-not-sent" live={false}>
      <p>
        <strong>Mail is not being sent.</strong> Email is not set up yet, so reset emails stay in
        the preview outbox with their code and link hidden. Set up email in Settings › Mail. Until
        then, open a staff card and use <strong>Show one-time code</strong> to hand over a code in
        person.
      </p>
      {onOpenSettings ? (
        <p>
          <button
            type="button"
            class="button button-secondary button-small"
            data-testid="mail-not-sent-settings"
            onClick={onOpenSettings}
          >
            Open Settings › Mail
          </button>
        </p>
      ) : null}
    </Notice>
  );
}
