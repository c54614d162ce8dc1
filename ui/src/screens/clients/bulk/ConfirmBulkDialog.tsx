import { useRef } from "preact/hooks";
import type { CommandError } from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { Modal } from "../../../components/Modal";
import { Spinner } from "../../../components/Spinner";
import { fullName } from "../../../format";
import { clientsWord, type BulkTarget } from "./target";
import { useSearchCount } from "./useSearchCount";

/** Names listed in the dialog before "and N more". */
const NAMES_SHOWN = 8;

function PickedNames({ target }: { target: Extract<BulkTarget, { kind: "clients" }> }) {
  const names = target.rows.map((r) => fullName(r.firstName, r.lastName));
  const more = names.length - NAMES_SHOWN;
  return (
    <ul class="bulk-names" data-testid="bulk-confirm-names">
      {names.slice(0, NAMES_SHOWN).map((name, i) => (
        <li key={i}>{name}</li>
      ))}
      {more > 0 ? <li class="muted">and {clientsWord(more)} more</li> : null}
    </ul>
  );
}

function searchWords(query: string, count: number): string {
  const matching = query ? `, matching “${query}”` : "";
  return `Invite all ${clientsWord(count)} with an email and no portal account${matching}?`;
}

/**
 * Asks before a bulk invitation starts, saying whom it reaches and how many: the picked
 * clients by name, or every client the search finds, counted first.
 */
export function ConfirmBulkDialog({
  target,
  starting,
  error,
  onConfirm,
  onCancel,
}: {
  target: BulkTarget;
  starting: boolean;
  error: CommandError | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const search = target.kind === "search" ? target : null;
  const picked = target.kind === "clients" ? target.rows : [];
  const counting = useSearchCount(
    search?.query ?? "",
    search?.filter ?? "all",
    search ? search.knownCount : 0,
  );
  const count = search ? counting.count : picked.length;
  let question: string | null = `Invite the ${clientsWord(picked.length)} you selected?`;
  if (search) question = count === null ? null : searchWords(search.query, count);

  return (
    <Modal
      title="Invite to the patient portal"
      onClose={onCancel}
      size="sm"
      testid="bulk-confirm"
      describedBy="bulk-confirm-text"
      initialFocus={confirmRef}
      footer={
        <>
          <button
            type="button"
            class="button button-ghost"
            data-testid="confirm-no"
            onClick={onCancel}
          >
            Cancel
          </button>
          <button
            ref={confirmRef}
            type="button"
            class="button button-primary"
            data-testid="confirm-yes"
            disabled={count === null || count === 0 || starting}
            onClick={onConfirm}
          >
            {starting ? "Starting…" : "Send invitations"}
          </button>
        </>
      }
    >
      <p id="bulk-confirm-text" class="confirm-text" data-testid="bulk-confirm-text">
        {question ?? (
          <span role="status">
            <Spinner /> Counting the clients this search finds… {counting.counted.toLocaleString()}{" "}
            so far
          </span>
        )}
      </p>
      {target.kind === "clients" ? <PickedNames target={target} /> : null}
      <p class="muted">
        Each gets an email inviting them to choose a patient-portal password. Clients without an
        email, or who already have a portal account, are skipped and listed. The invitations go out
        from this computer, in the background; you can cancel them.
      </p>
      <ErrorAlert error={error ?? counting.error} testid="bulk-confirm-error" />
    </Modal>
  );
}
