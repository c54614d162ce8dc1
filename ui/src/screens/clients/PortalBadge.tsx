import type { PortalStatus } from "../../bindings";
import { Badge } from "../../components/Badge";
import type { Tone } from "../../format";

const LOOK: Record<PortalStatus, { label: string; tone: Tone }> = {
  notRegistered: { label: "Not registered", tone: "neutral" },
  invited: { label: "Invited", tone: "info" },
  active: { label: "Active", tone: "success" },
  locked: { label: "Locked", tone: "danger" },
};

/** A client's patient-portal state, in the list and on the profile. */
export function PortalBadge({ status, testid }: { status: PortalStatus; testid?: string }) {
  const { label, tone } = LOOK[status];
  return (
    <Badge tone={tone} testid={testid}>
      {label}
    </Badge>
  );
}

/** A registered client gets a reset link; anyone else (no account, or invited) an invitation. */
export const isRegistered = (status: PortalStatus): boolean =>
  status === "active" || status === "locked";
