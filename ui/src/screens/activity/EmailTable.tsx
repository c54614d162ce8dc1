import type { EmailRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Table, type Column } from "../../components/Table";
import { When } from "../../components/When";
import { deliveredViaWords, emailBadge, humanizeAction } from "../../format";

const COLUMNS: Column[] = [
  "Created",
  "To",
  "Subject",
  "Status",
  { label: "Attempts", class: "num" },
  "Sent",
];

function StatusBadge({ row }: { row: EmailRow }) {
  const badge = emailBadge(row.status, row.deliveredVia);
  return (
    <Badge tone={badge.tone} testid={`email-status-${row.id}`}>
      {badge.label}
    </Badge>
  );
}

export function EmailTable({ rows }: { rows: EmailRow[] }) {
  return (
    <Table caption="Emails" columns={COLUMNS} testid="email-table" dense>
      {rows.map((r) => (
        <tr key={r.id}>
          <td class="nowrap">
            <When ms={r.createdAt} />
          </td>
          <td>{r.recipient}</td>
          <td>
            <span class="cell-subject">{r.subject}</span>
            <span class="muted cell-kind">{humanizeAction(r.kind)}</span>
          </td>
          <td>
            <StatusBadge row={r} />
            {r.lastError ? <span class="cell-error">{r.lastError}</span> : null}
          </td>
          <td class="num">{r.attempts}</td>
          <td class="nowrap">
            {r.sentAt !== null ? <When ms={r.sentAt} /> : <span class="muted">—</span>}
            {r.status === "sent" && r.deliveredVia ? (
              <span class="cell-via" data-testid={`email-via-${r.id}`}>
                {deliveredViaWords[r.deliveredVia]}
              </span>
            ) : null}
          </td>
        </tr>
      ))}
    </Table>
  );
}
