import type { AppInfo, SessionInfo } from "../bindings";
import { Icon } from "../components/Icon";
import { ScreenHeading } from "../components/ScreenHeading";
import { roleLabel } from "../format";

export function Home({ session, info }: { session: SessionInfo; info: AppInfo }) {
  const first = session.displayName.split(/\s+/)[0] || session.displayName;
  return (
    <section class="page" aria-labelledby="home-title" data-testid="home">
      <ScreenHeading id="home-title">Welcome, {first}</ScreenHeading>
      <p class="lead">
        You're signed in to {info.clinicName} as {roleLabel(session.role).toLowerCase()}.
      </p>
      <div class="card home-card">
        <span class="home-icon" aria-hidden="true">
          <Icon name="key" size={28} />
        </span>
        <div>
          <h2 class="card-title">Need to help a colleague get back in?</h2>
          <p>
            Resetting staff passwords and reviewing account activity is done by the clinic's office
            manager or admin. Ask them to send a reset link or give the person a one-time code.
          </p>
          <p class="muted">
            Forgot your own password? Sign out and choose <strong>Forgot password?</strong> on the
            sign-in screen. The link goes to the email address the clinic has on file for you.
          </p>
        </div>
      </div>
    </section>
  );
}
