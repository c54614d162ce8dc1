import type { AuditRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Table, type Column } from "../../components/Table";
import { When } from "../../components/When";
import { humanizeAction, outcomeTone } from "../../format";

const COLUMNS: Column[] = ["When and where", "Event", "By", "For", "Outcome", "Detail"];

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <Table caption="Audit events" columns={COLUMNS} testid="audit-table" dense>
      {rows.map((r) => (
        <tr key={r.id}>
          <td class="nowrap">
            <When ms={r.at} />
            <span class="cell-sub mono-soft">{r.workstation}</span>
          </td>
          <td>{humanizeAction(r.action)}</td>
          <td>{r.actor ?? <span class="muted">—</span>}</td>
          <td>{r.subject ?? <span class="muted">—</span>}</td>
          <td>
            <Badge tone={outcomeTone(r.outcome)}>{r.outcome}</Badge>
          </td>
          <td class="cell-detail">{r.detail ?? <span class="muted">—</span>}</td>
        </tr>
      ))}
    </Table>
  );
}
