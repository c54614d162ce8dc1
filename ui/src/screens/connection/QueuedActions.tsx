import type { Ref } from "preact";
import { useRef, useState } from "preact/hooks";
import type { QueuedAction, QueuedKind, QueuedState } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Table, type Column } from "../../components/Table";
import { When } from "../../components/When";
import { escapeCloses } from "../../escape";
import type { Tone } from "../../format";

const KINDS: Record<QueuedKind, string> = {
  staffReset: "Reset password",
  portalLink: "Patient-portal email",
  bulkInvite: "Portal invitations",
};

const STATES: Record<QueuedState, { label: string; tone: Tone }> = {
  queued: { label: "Queued — will send when online", tone: "info" },
  sent: { label: "Sent", tone: "success" },
  refused: { label: "Refused", tone: "danger" },
};

const COLUMNS: Column[] = ["Action", "For", "By", "Queued", "State"];

/** "2 waiting · 1 sent · 1 refused": only the states there are. */
function summary(actions: QueuedAction[]): string {
  const count = (s: QueuedState) => actions.filter((a) => a.state === s).length;
  const parts: [number, string][] = [
    [count("queued"), "waiting"],
    [count("sent"), "sent"],
    [count("refused"), "refused"],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(" · ");
}

export type QueuePanel = {
  open: boolean;
  toggle: () => void;
  /** Opens the panel and moves the focus to it (from the offline banner). */
  show: () => void;
  headingRef: Ref<HTMLHeadingElement>;
};

/**
 * Whether the panel is open. Hidden, it stays hidden until an action is added or settled, so
 * a new outcome is never missed.
 */
export function useQueuePanel(actions: QueuedAction[]): QueuePanel {
  const [hiddenAt, setHiddenAt] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const seen = actions.map((a) => `${a.id}:${a.state}`).join(",");
  const open = hiddenAt !== seen;
  return {
    open,
    toggle: () => setHiddenAt(open ? seen : null),
    show: () => {
      setHiddenAt(null);
      headingRef.current?.focus();
    },
    headingRef,
  };
}

/** Reset and portal emails and invitation runs taken while offline: waiting, or how the
 * replay answered. */
export function QueuedActions({ actions, panel }: { actions: QueuedAction[]; panel: QueuePanel }) {
  const toggleRef = useRef<HTMLButtonElement>(null);
  return (
    // Escape hides the open list, as it closes a dialog, and the focus goes to Show.
    <section
      class="card queued-panel"
      aria-labelledby="queued-heading"
      data-testid="queued-actions"
      onKeyDown={panel.open ? escapeCloses(toggleRef, panel.toggle) : undefined}
    >
      <div class="queued-head">
        <h2 id="queued-heading" class="card-title" tabIndex={-1} ref={panel.headingRef}>
          Queued actions
        </h2>
        <span class="muted" data-testid="queued-summary">
          {summary(actions)}
        </span>
        <button
          type="button"
          class="button button-ghost button-small"
          data-testid="queued-toggle"
          ref={toggleRef}
          aria-expanded={panel.open}
          aria-controls="queued-list"
          onClick={panel.toggle}
        >
          {panel.open ? "Hide" : "Show"}
        </button>
      </div>
      <div id="queued-list" class="queued-list" hidden={!panel.open}>
        <p class="muted">
          Emails and invitation runs asked for while this computer could not reach the clinic
          database. Each goes out when the connection is back, if the clinic's rules still allow it
          then.
        </p>
        <div class="table-wrap">
          <Table caption="Queued actions" columns={COLUMNS} testid="queued-table" dense>
            {actions.map((a) => (
              <tr
                key={a.id}
                class={a.state === "refused" ? "queued-refused" : undefined}
                data-testid={`queued-${a.id}`}
                data-state={a.state}
              >
                <td>{KINDS[a.kind]}</td>
                <td>{a.subjectName}</td>
                <td>{a.actorName}</td>
                <td class="nowrap">
                  <When ms={a.queuedAt} />
                </td>
                <td>
                  <Badge tone={STATES[a.state].tone} testid={`queued-state-${a.id}`}>
                    {STATES[a.state].label}
                  </Badge>
                  {a.settledAt !== null ? (
                    <span class="cell-sub">
                      <When ms={a.settledAt} />
                    </span>
                  ) : null}
                  {a.outcome !== null ? (
                    <span class="queued-outcome" data-testid={`queued-outcome-${a.id}`}>
                      {a.outcome}
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
        </div>
      </div>
    </section>
  );
}
