import type { StaffRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { rowCount, rowProps, Table, type Column } from "../../components/Table";
import { Icon } from "../../components/Icon";
import { roleLabel } from "../../format";

const COLUMNS: Column[] = ["Name", "Username", "Role", "Email"];

/**
 * The staff, one row each. Only the active row's ID-card button is in the tab order; the
 * arrow keys move between the others (StaffList handles them, with useRowFocus).
 */
export function StaffTable({
  rows,
  active,
  onOpen,
}: {
  rows: StaffRow[];
  active: number;
  onOpen: (row: StaffRow) => void;
}) {
  return (
    <Table
      caption="Staff members"
      columns={COLUMNS}
      testid="staff-table"
      rowCount={rowCount(rows.length)}
    >
      {rows.map((s, i) => (
        <tr key={s.id} data-testid={`staff-row-${s.id}`} {...rowProps(i)}>
          <td>
            <div class="name-cell">
              <button
                type="button"
                class="icon-button id-card-button row-open"
                tabIndex={i === active ? 0 : -1}
                aria-label={`Open staff card for ${s.displayName}`}
                title="Open staff card"
                data-testid={`staff-card-${s.id}`}
                onClick={() => onOpen(s)}
              >
                <Icon name="idCard" size={22} />
              </button>
              <span class="name-text">{s.displayName}</span>
              {s.status === "disabled" ? <Badge tone="neutral">Disabled</Badge> : null}
            </div>
          </td>
          <td class="mono-soft">{s.username}</td>
          <td>{roleLabel(s.role)}</td>
          <td>{s.email ?? <span class="muted">No email on file</span>}</td>
        </tr>
      ))}
    </Table>
  );
}
