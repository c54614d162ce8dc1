import { useState } from "preact/hooks";
import type { ClientFilter, ClientRow } from "../../../bindings";
import { Notice } from "../../../components/Notice";
import { BulkBar } from "./BulkBar";
import { BulkProgressPanel } from "./BulkProgressPanel";
import { ConfirmBulkDialog } from "./ConfirmBulkDialog";
import { selectionOf, targetOf, type BulkTarget } from "./target";
import { useBulkRuns } from "./useBulkRuns";
import type { Selection } from "./useSelection";

/**
 * Bulk portal invitations on the Clients list, for office managers and admins: the controls,
 * the confirmation, the progress of each run this computer is sending, and, while the clinic
 * database cannot be reached, that the run is queued until it answers.
 */
export function BulkInvite({
  shown,
  hasMore,
  query,
  filter,
  selection,
  onFinished,
}: {
  shown: ClientRow[];
  hasMore: boolean;
  query: string;
  filter: ClientFilter;
  selection: Selection;
  onFinished: () => void;
}) {
  const runs = useBulkRuns(onFinished);
  const [asking, setAsking] = useState<BulkTarget | null>(null);
  const target = targetOf(selection.rows, query, filter, { count: shown.length, hasMore });

  const confirm = async () => {
    if (!asking) return;
    if (await runs.begin(selectionOf(asking))) {
      setAsking(null);
      if (asking.kind === "clients") selection.clear();
    }
  };

  return (
    <>
      <BulkBar
        shown={shown}
        selection={selection}
        target={target}
        error={runs.error}
        onInvite={() => {
          runs.clearStartError();
          setAsking(target);
        }}
      />
      {/* Always there, so assistive technology is listening when the message arrives. */}
      <div class="message-slot message-slot-tight" role="status" data-testid="bulk-queued-slot">
        {runs.queued ? (
          <Notice tone="info" icon="clock" testid="bulk-queued" live={false}>
            <p>{runs.queued}</p>
          </Notice>
        ) : null}
      </div>
      {runs.runs.map((run) => (
        <BulkProgressPanel
          key={run.id}
          run={run}
          cancelling={runs.cancelling}
          onCancel={() => void runs.cancel(run.id)}
          onDismiss={() => runs.dismiss(run.id)}
        />
      ))}
      {asking ? (
        <ConfirmBulkDialog
          target={asking}
          starting={runs.starting}
          error={runs.startError}
          onConfirm={() => void confirm()}
          onCancel={() => setAsking(null)}
        />
      ) : null}
    </>
  );
}
