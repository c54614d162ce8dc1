import type { StaffRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { roleLabel } from "../../format";

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0])
    .slice(0, 2)
    .join("")
    .toUpperCase();
}

/** Who the card is for: initials, username, role, email and status. */
export function StaffSummary({
  staff,
  onChangeEmail,
}: {
  staff: StaffRow;
  onChangeEmail?: () => void;
}) {
  return (
    <div class="staff-card-summary">
      <div class="avatar" aria-hidden="true">
        {initials(staff.displayName)}
      </div>
      <dl class="details">
        <div>
          <dt>Username</dt>
          <dd class="mono-soft">{staff.username}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd>{roleLabel(staff.role)}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd data-testid="card-email">
            {staff.email ?? <span class="muted">None on file</span>}
            {staff.email && onChangeEmail ? (
              <button type="button" class="link-button link-inline" onClick={onChangeEmail}>
                Change
              </button>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            {staff.status === "active" ? (
              <Badge tone="success">Active</Badge>
            ) : (
              <Badge tone="neutral">Disabled</Badge>
            )}
          </dd>
        </div>
      </dl>
    </div>
  );
}
