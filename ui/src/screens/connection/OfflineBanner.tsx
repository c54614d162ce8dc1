import type { ConnectionStatus } from "../../bindings";
import { Icon } from "../../components/Icon";
import { When } from "../../components/When";

/**
 * Says, on every screen, that this computer cannot reach the clinic database: since when,
 * which copy the lists show, and that reset and portal emails and invitations wait for the
 * connection.
 */
export function OfflineBanner({
  status,
  onShowQueue,
}: {
  status: ConnectionStatus;
  onShowQueue: () => void;
}) {
  const waiting = status.actions.filter((a) => a.state === "queued").length;
  return (
    <div class="offline-banner" role="status" data-testid="offline-banner">
      <Icon name="databaseOff" size={22} class="offline-banner-icon" />
      <div class="offline-banner-body">
        <p>
          <strong>Offline.</strong>{" "}
          {status.offlineSince !== null ? (
            <>
              This computer has not been able to reach the clinic database since{" "}
              <span data-testid="offline-since">
                <When ms={status.offlineSince} />
              </span>
              .
            </>
          ) : (
            "This computer cannot reach the clinic database."
          )}
        </p>
        <p>
          {status.copyRefreshedAt !== null ? (
            <>
              The Staff List and client search show this computer's copy from{" "}
              <span data-testid="offline-copy">
                <When ms={status.copyRefreshedAt} />
              </span>
              .
            </>
          ) : (
            <span data-testid="offline-copy">
              The Staff List and client search can only show this computer's copy, and there is no
              copy yet.
            </span>
          )}{" "}
          Reset password, patient-portal emails and portal invitations are queued and go out when
          the connection is back.
        </p>
      </div>
      {status.actions.length > 0 ? (
        <button
          type="button"
          class="button button-secondary button-small"
          data-testid="offline-show-queue"
          onClick={onShowQueue}
        >
          {waiting > 0 ? `See queued actions (${waiting} waiting)` : "See queued actions"}
        </button>
      ) : null}
    </div>
  );
}
