import type { BulkProgress } from "../../../bindings";

/** The clients a run skipped or could not invite, with why, in the order they were worked. */
export function NotSentList({ run }: { run: BulkProgress }) {
  const { notSent } = run;
  const all = run.skipped + run.failed;
  if (all === 0) return null;
  return (
    <section class="bulk-not-sent" aria-labelledby={`bulk-not-sent-${run.id}`}>
      <h3 class="subsection-title" id={`bulk-not-sent-${run.id}`}>
        Skipped or not sent ({all.toLocaleString()})
      </h3>
      <ul data-testid="bulk-not-sent">
        {notSent.map((s) => (
          <li key={s.clientId} data-testid={`bulk-not-sent-${s.clientId}`}>
            <span class="bulk-not-sent-name">{s.name}</span>
            <span class="muted">{s.reason}</span>
          </li>
        ))}
      </ul>
      {all > notSent.length ? (
        <p class="muted">
          The first {notSent.length.toLocaleString()} are listed; Activity › Emails has the rest.
        </p>
      ) : null}
    </section>
  );
}
