import type { BulkSelection, ClientFilter, ClientRow } from "../../../bindings";

/** Whom "Invite to portal" would invite: the picked clients, or everyone a search finds. */
export type BulkTarget =
  | { kind: "clients"; rows: ClientRow[] }
  | { kind: "search"; query: string; filter: ClientFilter; knownCount: number | null };

/**
 * The picked clients when there are any; otherwise, with the filter that keeps only clients a
 * bulk invitation can reach, everyone the search finds. Anything else would mostly be skipped.
 */
export function targetOf(
  picked: ClientRow[],
  query: string,
  filter: ClientFilter,
  shown: { count: number; hasMore: boolean },
): BulkTarget | null {
  if (picked.length > 0) return { kind: "clients", rows: picked };
  if (filter !== "notRegisteredWithEmail" || (shown.count === 0 && !shown.hasMore)) return null;
  return { kind: "search", query, filter, knownCount: shown.hasMore ? null : shown.count };
}

export function selectionOf(target: BulkTarget): BulkSelection {
  return target.kind === "clients"
    ? { kind: "clients", ids: target.rows.map((r) => r.id) }
    : { kind: "search", query: target.query, filter: target.filter };
}

export const clientsWord = (n: number) => `${n.toLocaleString()} client${n === 1 ? "" : "s"}`;
