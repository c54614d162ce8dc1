import { useState } from "preact/hooks";
import type { ClientFilter, ClientRow } from "../../../bindings";
import { BulkBar } from "./BulkBar";
import { BulkProgressPanel } from "./BulkProgressPanel";
import { ConfirmBulkDialog } from "./ConfirmBulkDialog";
import { selectionOf, targetOf, type BulkTarget } from "./target";
import { useBulkRuns } from "./useBulkRuns";
import type { Selection } from "./useSelection";

/**
 * Bulk portal invitations on the Clients list, for office managers and admins: the controls,
 * the confirmation, and the progress of each run this computer is sending.
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
