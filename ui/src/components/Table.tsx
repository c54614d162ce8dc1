import type { ComponentChildren } from "preact";

/** A heading, or one with a class; `hidden` keeps it for screen readers only. */
export type Column = string | { label: string; class: string; hidden?: boolean };

/**
 * The row numbers screen readers announce in a list that one moves through by row (`rowProps`
 * for the body row at `index`): the headings are row 1. `rowCount` is -1 while more rows may
 * come.
 */
export const rowProps = (index: number) => ({ "data-index": index, "aria-rowindex": index + 2 });
export const rowCount = (rows: number, hasMore = false) => (hasMore ? -1 : rows + 1);

/** A data table with a caption for screen readers and a row of column headings. */
export function Table({
  caption,
  columns,
  testid,
  dense = false,
  rowCount,
  children,
}: {
  caption: string;
  columns: Column[];
  testid: string;
  dense?: boolean;
  /** For rows numbered with `rowProps`. */
  rowCount?: number;
  children: ComponentChildren;
}) {
  return (
    <table
      class={dense ? "table table-dense" : "table"}
      data-testid={testid}
      aria-rowcount={rowCount}
    >
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr aria-rowindex={rowCount === undefined ? undefined : 1}>
          {columns.map((c) =>
            typeof c === "string" ? (
              <th scope="col" key={c}>
                {c}
              </th>
            ) : (
              <th scope="col" key={c.label} class={c.class}>
                {c.hidden ? <span class="visually-hidden">{c.label}</span> : c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
