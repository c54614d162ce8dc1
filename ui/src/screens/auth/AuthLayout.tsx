import type { ComponentChildren } from "preact";
import type { AppInfo } from "../../bindings";
import { Icon } from "../../components/Icon";

/** What every recovery screen takes: the app's details, and the way back to sign-in. */
export type RecoveryProps = { info: AppInfo | null; onBack: () => void };

export function AuthLayout({
  info,
  children,
  wide = false,
  onBack,
}: {
  info: AppInfo | null;
  children: ComponentChildren;
  wide?: boolean;
  onBack?: () => void;
}) {
  return (
    <div class="auth-page">
      <main class={wide ? "auth-card auth-card-wide" : "auth-card"}>
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="paw" size={22} />
          </span>
          <div>
            <p class="brand-name">VetDesk</p>
            <p class="brand-clinic">{info?.clinicName ?? "\u00a0"}</p>
          </div>
        </div>
        {children}
        {onBack ? (
          <div class="auth-links">
            <button type="button" class="link-button" data-testid="back-to-login" onClick={onBack}>
              ← Back to sign in
            </button>
          </div>
        ) : null}
      </main>
      <p class="auth-footer">{info ? `VetDesk ${info.version}` : "\u00a0"}</p>
    </div>
  );
}
