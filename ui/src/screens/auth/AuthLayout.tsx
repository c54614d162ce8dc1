import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { AppInfo } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Icon } from "../../components/Icon";
import { AboutDialog } from "../help/AboutDialog";

/** What every recovery screen takes: the app's details, and the way back to sign-in. */
export type RecoveryProps = { info: AppInfo | null; onBack: () => void };

export function AuthLayout({
  info,
  children,
  wide = false,
  cardClass,
  onBack,
}: {
  info: AppInfo | null;
  children: ComponentChildren;
  wide?: boolean;
  /** A width of its own, for a screen wider than `wide`. */
  cardClass?: string;
  onBack?: () => void;
}) {
  const width = cardClass ?? (wide ? "auth-card-wide" : "");
  const [aboutOpen, setAboutOpen] = useState(false);
  return (
    <div class="auth-page">
      <main class={`auth-card ${width}`.trim()}>
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="paw" size={22} />
          </span>
          <div>
            <p class="brand-name">
              VetDesk{" "}
              {info?.demo ? (
                <Badge tone="warning" testid="demo-badge">
                  Demo
                </Badge>
              ) : null}
            </p>
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
      <p class="auth-footer">
        <span>{info ? `VetDesk ${info.version}` : "\u00a0"}</span>
        <button
          type="button"
          class="link-button"
          aria-haspopup="dialog"
          data-testid="about-open"
          onClick={() => setAboutOpen(true)}
        >
          About VetDesk
        </button>
      </p>
      {aboutOpen ? <AboutDialog onClose={() => setAboutOpen(false)} /> : null}
    </div>
  );
}
