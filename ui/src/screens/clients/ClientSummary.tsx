import type { PortalBadge as Badge } from "../../bindings";
import { When } from "../../components/When";
import { PortalBadge } from "./PortalBadge";

/** What the profile shows before it has loaded: what the list row already knew. */
export type ClientDetails = {
  email: string | null;
  phone: string | null;
  /** Undefined until the profile has loaded. */
  address?: string | null;
  portal: Badge;
};

function initials(first: string, last: string): string {
  return [first, last]
    .map((w) => Array.from(w.trim())[0] ?? "")
    .join("")
    .toUpperCase();
}

/** Contact details and the portal badge; "Change" beside the email for those who may. */
export function ClientSummary({
  firstName,
  lastName,
  details,
  now,
  onChangeEmail,
}: {
  firstName: string;
  lastName: string;
  details: ClientDetails;
  now: number;
  onChangeEmail?: () => void;
}) {
  const { email, phone, address, portal } = details;
  return (
    <div class="staff-card-summary">
      <div class="avatar" aria-hidden="true">
        {initials(firstName, lastName)}
      </div>
      <dl class="details">
        <div>
          <dt>Email</dt>
          <dd data-testid="client-email">
            {email ?? <span class="muted">None on file</span>}
            {email && onChangeEmail ? (
              <button type="button" class="link-button link-inline" onClick={onChangeEmail}>
                Change
              </button>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Phone</dt>
          <dd>{phone ?? <span class="muted">None on file</span>}</dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd data-testid="client-address">
            {address === undefined
              ? "\u00a0"
              : (address ?? <span class="muted">None on file</span>)}
          </dd>
        </div>
        <div>
          <dt>Patient portal</dt>
          <dd class="portal-state" data-testid="client-portal">
            <PortalBadge status={portal.status} testid="client-portal-badge" />
            {portal.status === "invited" && portal.inviteExpiresAt !== null ? (
              <span class="muted">
                expires <When ms={portal.inviteExpiresAt} now={now} />
              </span>
            ) : null}
          </dd>
        </div>
      </dl>
    </div>
  );
}
