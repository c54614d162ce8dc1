import type { EmailRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Table, type Column } from "../../components/Table";
import { When } from "../../components/When";
import { emailStatusLabels, emailStatusTone, humanizeAction } from "../../format";

const COLUMNS: Column[] = [
  "Created",
  "To",
  "Subject",
  "Status",
  { label: "Attempts", class: "num" },
  "Sent",
];

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
            <Badge tone={emailStatusTone[r.status]} testid={`email-status-${r.id}`}>
              {emailStatusLabels[r.status]}
            </Badge>
            {r.lastError ? <span class="cell-error">{r.lastError}</span> : null}
          </td>
          <td class="num">{r.attempts}</td>
          <td class="nowrap">
            {r.sentAt !== null ? <When ms={r.sentAt} /> : <span class="muted">—</span>}
          </td>
        </tr>
      ))}
    </Table>
  );
}
