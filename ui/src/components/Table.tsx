import type { ComponentChildren } from "preact";

/** A heading, or one with a class; `hidden` keeps it for screen readers only. */
export type Column = string | { label: string; class: string; hidden?: boolean };

/** A data table with a caption for screen readers and a row of column headings. */
export function Table({
  caption,
  columns,
  testid,
  dense = false,
  children,
}: {
  caption: string;
  columns: Column[];
  testid: string;
  dense?: boolean;
  children: ComponentChildren;
}) {
  return (
    <table class={dense ? "table table-dense" : "table"} data-testid={testid}>
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
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
