import { useEffect, useRef } from "preact/hooks";
import type { ClientRow, CommandError } from "../../../bindings";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { Icon } from "../../../components/Icon";
import { clientsWord, type BulkTarget } from "./target";
import type { Selection } from "./useSelection";

function describe(target: BulkTarget | null): string {
  if (target === null)
    return "Select clients, or turn on “Not registered, has email” to invite everyone the search finds.";
  if (target.kind === "clients") return `Invites the ${clientsWord(target.rows.length)} selected.`;
  return "Nothing is selected: invites everyone this search finds who has an email and no portal account.";
}

/**
 * Bulk invitation controls over the Clients list: select every row shown, how many are
 * selected, and Invite to portal, with what it would do in words.
 */
export function BulkBar({
  shown,
  selection,
  target,
  error,
  onInvite,
}: {
  shown: ClientRow[];
  selection: Selection;
  target: BulkTarget | null;
  error: CommandError | null;
  onInvite: () => void;
}) {
  const allRef = useRef<HTMLInputElement>(null);
  const picked = shown.filter((r) => selection.has(r.id)).length;
  const all = shown.length > 0 && picked === shown.length;
  // Some but not all of the rows shown: neither checked nor clear.
  useEffect(() => {
    if (allRef.current) allRef.current.indeterminate = picked > 0 && !all;
  }, [picked, all]);

  const count = selection.rows.length;
  return (
    <div class="bulk-bar" data-testid="bulk-bar">
      <label class="check">
        <input
          ref={allRef}
          type="checkbox"
          checked={all}
          disabled={shown.length === 0}
          onChange={(e) => selection.setAll(shown, e.currentTarget.checked)}
          data-testid="bulk-select-all"
        />
        Select all shown
      </label>
      <span class="bulk-selected" data-testid="bulk-selected">
        {count === 0 ? "None selected" : `${clientsWord(count)} selected`}
      </span>
      {count > 0 ? (
        <button
          type="button"
          class="link-button"
          data-testid="bulk-clear"
          onClick={selection.clear}
        >
          Clear selection
        </button>
      ) : null}
      <div class="bulk-bar-action">
        <button
          type="button"
          class="button button-primary"
          data-testid="bulk-invite"
          disabled={target === null}
          aria-describedby="bulk-invite-hint"
          onClick={onInvite}
        >
          <Icon name="paw" size={18} />
          Invite to portal
        </button>
      </div>
      <p class="muted bulk-hint" id="bulk-invite-hint" data-testid="bulk-invite-hint">
        {describe(target)}
      </p>
      {error ? (
        <div class="bulk-error">
          <ErrorAlert error={error} testid="bulk-error" />
        </div>
      ) : null}
    </div>
  );
}
