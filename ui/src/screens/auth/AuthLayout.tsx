import type { ComponentChildren } from "preact";
import type { AppInfo } from "../../bindings";
import { PawIcon } from "../../components/icons";

export function AuthLayout({
  info,
  children,
  wide = false,
}: {
  info: AppInfo | null;
  children: ComponentChildren;
  wide?: boolean;
}) {
  return (
    <div class="auth-page">
      <main class={wide ? "auth-card auth-card-wide" : "auth-card"}>
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">
            <PawIcon size={22} />
          </span>
          <div>
            <p class="brand-name">VetDesk</p>
            <p class="brand-clinic">{info?.clinicName ?? "\u00a0"}</p>
          </div>
        </div>
        {children}
      </main>
      <p class="auth-footer">{info ? `VetDesk ${info.version}` : "\u00a0"}</p>
    </div>
  );
}
