import { useEffect, useState } from "preact/hooks";
import { commands, type ClientProfile, type ClientRow } from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Modal } from "../../components/Modal";
import { Spinner } from "../../components/Spinner";
import { fullName } from "../../format";
import { useNow, usePolling } from "../../hooks";
import { useCommand } from "../../useCommand";
import { ClientSummary, type ClientDetails } from "./ClientSummary";
import { PetList } from "./PetList";
import { PortalSection } from "./PortalSection";

const POLL_MS = 3000;

/** The client profile: details, pets and the patient portal, over the Clients list. */
export function ClientProfileDialog({
  row,
  onChanged,
  onClose,
}: {
  row: ClientRow;
  /** The list shows the newer details (email, badge) in the client's row. */
  onChanged: (profile: ClientProfile) => void;
  onClose: () => void;
}) {
  const [profile, setProfile] = useState<ClientProfile | null>(null);
  const [editingEmail, setEditingEmail] = useState(false);
  const load = useCommand();
  const now = useNow(true);

  const show = (p: ClientProfile) => {
    setProfile(p);
    onChanged(p);
  };
  const refresh = async () => {
    const r = await load.run(commands.clientProfile(row.id));
    if (r?.status === "ok") show(r.data);
  };

  useEffect(() => {
    void refresh();
  }, [row.id]);
  // Follows the last email until the outbox has sent it or given up.
  const delivery = profile?.lastEmail?.delivery.status;
  usePolling(refresh, POLL_MS, delivery === "queued" || delivery === "sending");

  const details: ClientDetails = profile ?? {
    email: row.email,
    phone: row.phone,
    portal: { status: row.portal, inviteExpiresAt: null },
  };
  const name = fullName(profile?.firstName ?? row.firstName, profile?.lastName ?? row.lastName);

  return (
    <Modal
      title={<span class="profile-title">{name}</span>}
      onClose={onClose}
      size="lg"
      testid="client-profile"
    >
      <div class="staff-card client-profile" data-testid="client-profile-body">
        <ClientSummary
          firstName={profile?.firstName ?? row.firstName}
          lastName={profile?.lastName ?? row.lastName}
          details={details}
          now={now}
          onChangeEmail={
            profile?.canSend && !editingEmail ? () => setEditingEmail(true) : undefined
          }
        />
        {profile === null && load.error === null ? (
          <p class="muted" role="status">
            <Spinner /> Loading client profile…
          </p>
        ) : null}
        {profile === null ? <ErrorAlert error={load.error} /> : null}
        {profile !== null ? (
          <>
            <PetList pets={profile.pets} />
            <PortalSection
              profile={profile}
              now={now}
              editingEmail={editingEmail}
              onEditEnd={() => setEditingEmail(false)}
              onProfile={show}
              onSent={() => void refresh()}
            />
          </>
        ) : null}
      </div>
    </Modal>
  );
}
