import type { BulkProgress } from "../../../bindings";
import { Badge } from "../../../components/Badge";
import { clientsWord } from "./target";
import { NotSentList } from "./NotSentList";

const STATUS = {
  running: { label: "Sending", tone: "info" },
  done: { label: "Finished", tone: "success" },
  cancelled: { label: "Cancelled", tone: "warning" },
} as const;

function counts(run: BulkProgress): string {
  const n = (v: number) => v.toLocaleString();
  return `${n(run.sent)} sent · ${n(run.skipped)} skipped · ${n(run.failed)} failed of ${n(run.total)}`;
}

function summary(run: BulkProgress): string {
  const tally = `${run.sent.toLocaleString()} invitation${run.sent === 1 ? "" : "s"} sent, ${run.skipped.toLocaleString()} skipped, ${run.failed.toLocaleString()} failed.`;
  if (run.status === "done") return `Finished: ${tally}`;
  const worked = run.sent + run.skipped + run.failed;
  return `Cancelled after ${worked.toLocaleString()} of ${clientsWord(run.total)}: ${tally} Clients already invited stay invited.`;
}

/** One invitation run: how far it has got, Cancel while it runs, and what it skipped. */
export function BulkProgressPanel({
  run,
  cancelling,
  onCancel,
  onDismiss,
}: {
  run: BulkProgress;
  cancelling: boolean;
  onCancel: () => void;
  onDismiss: () => void;
}) {
  const worked = run.sent + run.skipped + run.failed;
  const heading = `bulk-heading-${run.id}`;
  const look = STATUS[run.status];
  return (
    <section
      class="card bulk-panel"
      aria-labelledby={heading}
      data-testid="bulk-progress"
      data-run={run.id}
      data-status={run.status}
    >
      <div class="bulk-panel-head">
        <h2 class="card-title" id={heading}>
          Portal invitations to {clientsWord(run.total)}
        </h2>
        <Badge tone={look.tone} testid="bulk-status">
          {look.label}
        </Badge>
      </div>
      <progress
        max={Math.max(run.total, 1)}
        value={worked}
        aria-labelledby={heading}
        aria-describedby={`bulk-counts-${run.id}`}
        data-testid="bulk-progressbar"
      />
      <div class="bulk-panel-row">
        <p id={`bulk-counts-${run.id}`} class="bulk-counts" data-testid="bulk-counts">
          {counts(run)}
        </p>
        {run.status === "running" ? (
          <button
            type="button"
            class="button button-secondary button-small"
            data-testid="bulk-cancel"
            disabled={cancelling}
            onClick={onCancel}
          >
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        ) : (
          <button
            type="button"
            class="button button-ghost button-small"
            data-testid="bulk-dismiss"
            onClick={onDismiss}
          >
            Close
          </button>
        )}
      </div>
      {/* Always there, so the summary is announced when the run stops. */}
      <div class="bulk-summary-slot" role="status" data-testid="bulk-summary-slot">
        {run.status !== "running" ? (
          <p class="bulk-summary" data-testid="bulk-summary">
            {summary(run)}
          </p>
        ) : null}
      </div>
      <NotSentList run={run} />
    </section>
  );
}
