import { useCallback, useMemo, useState } from "preact/hooks";
import type { ClientRow } from "../../../bindings";

export type Selection = {
  /** The picked clients, in the order they were picked. */
  rows: ClientRow[];
  has: (id: number) => boolean;
  toggle: (row: ClientRow) => void;
  /** Adds every row given, or (`on` false) takes them out. */
  setAll: (rows: ClientRow[], on: boolean) => void;
  clear: () => void;
};

/**
 * The clients picked for a bulk invitation. Kept by id across searches, so that clients
 * found by different searches can be invited together; the rows are kept for their names.
 */
export function useSelection(): Selection {
  const [picked, setPicked] = useState<Map<number, ClientRow>>(() => new Map());

  const toggle = useCallback((row: ClientRow) => {
    setPicked((prev) => {
      const next = new Map(prev);
      if (next.has(row.id)) next.delete(row.id);
      else next.set(row.id, row);
      return next;
    });
  }, []);

  const setAll = useCallback((rows: ClientRow[], on: boolean) => {
    setPicked((prev) => {
      const next = new Map(prev);
      for (const row of rows) {
        if (on) next.set(row.id, row);
        else next.delete(row.id);
      }
      return next;
    });
  }, []);

  const clear = useCallback(() => setPicked(new Map()), []);

  return useMemo(
    () => ({
      rows: [...picked.values()],
      has: (id: number) => picked.has(id),
      toggle,
      setAll,
      clear,
    }),
    [picked],
  );
}
