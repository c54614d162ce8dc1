import { memo } from "preact/compat";
import type { ClientRow } from "../../bindings";
import { rowCount, rowProps, Table, type Column } from "../../components/Table";
import { fullName } from "../../format";
import { PortalBadge } from "./PortalBadge";

const SELECT_COLUMN: Column = { label: "Select", class: "col-select", hidden: true };
const COLUMNS: Column[] = [
  { label: "Name", class: "col-name" },
  { label: "Phone", class: "col-phone" },
  { label: "Email", class: "col-email" },
  { label: "Pets", class: "col-pets" },
  { label: "Portal", class: "col-portal" },
];

/** Picking rows for a bulk invitation, for those who may send one. */
export type RowSelection = { has: (id: number) => boolean; toggle: (row: ClientRow) => void };

/**
 * One client. Only the active row's button (and checkbox) is in the tab order; the arrow keys
 * move between the others (ClientList handles them). Memoised, so moving the focus or adding
 * a page re-renders two rows, not thousands.
 */
const Row = memo(function Row({
  row,
  index,
  active,
  onOpen,
  selected,
  onToggle,
}: {
  row: ClientRow;
  index: number;
  active: boolean;
  onOpen: (row: ClientRow) => void;
  /** Undefined when rows cannot be selected. */
  selected?: boolean;
  onToggle?: (row: ClientRow) => void;
}) {
  const name = fullName(row.firstName, row.lastName);
  const nameId = `client-name-${row.id}`;
  return (
    // The button takes Enter and Space; a click anywhere on the row opens it too, from the
    // button, so that closing the profile brings the focus back to this row.
    <tr
      data-testid={`client-row-${row.id}`}
      {...rowProps(index)}
      onClick={(e) => {
        e.currentTarget.querySelector<HTMLElement>(".row-open")?.focus();
        onOpen(row);
      }}
    >
      {onToggle ? (
        // A click on the checkbox's cell picks the row; it does not open the profile.
        <td class="cell-select" onClick={(e) => e.stopPropagation()}>
          <input
            type="checkbox"
            class="row-select"
            tabIndex={active ? 0 : -1}
            checked={selected}
            onChange={() => onToggle(row)}
            aria-labelledby={nameId}
            data-testid={`client-select-${row.id}`}
          />
        </td>
      ) : null}
      <td>
        <button
          type="button"
          class="row-open"
          tabIndex={active ? 0 : -1}
          aria-label={`Open profile for ${name}`}
          data-testid={`client-open-${row.id}`}
        >
          <span id={nameId}>{name}</span>
        </button>
      </td>
      <td>{row.phone ?? <span class="muted">None</span>}</td>
      <td>{row.email ?? <span class="muted">No email on file</span>}</td>
      <td class="cell-pets">{row.pets.join(", ")}</td>
      <td>
        <PortalBadge status={row.portal} />
      </td>
    </tr>
  );
});

export function ClientTable({
  rows,
  hasMore,
  active,
  onOpen,
  selection,
}: {
  rows: ClientRow[];
  hasMore: boolean;
  active: number;
  onOpen: (row: ClientRow) => void;
  selection?: RowSelection;
}) {
  return (
    <Table
      caption="Clients"
      columns={selection ? [SELECT_COLUMN, ...COLUMNS] : COLUMNS}
      testid="client-table"
      rowCount={rowCount(rows.length, hasMore)}
    >
      {rows.map((row, i) => (
        <Row
          key={row.id}
          row={row}
          index={i}
          active={i === active}
          onOpen={onOpen}
          selected={selection?.has(row.id)}
          onToggle={selection?.toggle}
        />
      ))}
    </Table>
  );
}
