import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import {
  commands,
  type ClientCursor,
  type ClientFilter,
  type ClientProfile,
  type ClientRow,
} from "../../bindings";
import { useCommand } from "../../useCommand";

export type ClientSearch = {
  /** Every row loaded so far; null until the first page of this search arrives. */
  rows: ClientRow[] | null;
  hasMore: boolean;
  busy: boolean;
  /** What is loading: a new search, or the next page of this one. */
  loading: "search" | "more" | null;
  error: ReturnType<typeof useCommand>["error"];
  /** Fetches the next page; resolves whether rows were added. */
  loadMore: () => Promise<boolean>;
  /** Runs the search again from its first page (after an error). */
  retry: () => void;
  /** Runs the search again from its first page, for rows that changed elsewhere. */
  reload: () => void;
  /** Shows a profile's newer details in its row without reloading the list. */
  update: (profile: ClientProfile) => void;
};

/**
 * The Clients list's pages for one query and filter. One command runs them all, so an answer
 * to an older query or an abandoned page never lands on the rows of a newer search.
 */
export function useClientSearch(query: string, filter: ClientFilter): ClientSearch {
  const [rows, setRows] = useState<ClientRow[] | null>(null);
  const [loading, setLoading] = useState<"search" | "more" | null>(null);
  const next = useRef<ClientCursor | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const page = useCommand();

  const settle = (cursor: ClientCursor | null) => {
    next.current = cursor;
    setHasMore(cursor !== null);
    setLoading(null);
  };

  useEffect(() => {
    let current = true;
    setLoading("search");
    void page.run(commands.searchClients(query, filter, null)).then((r) => {
      if (!current || r === null) return;
      if (r.status === "ok") {
        setRows(r.data.rows);
        settle(r.data.next);
      } else {
        setRows(null);
        settle(null);
      }
    });
    return () => {
      current = false;
    };
  }, [query, filter, attempt]);

  const loadMore = useCallback(async () => {
    const after = next.current;
    if (after === null || loading !== null) return false;
    setLoading("more");
    const r = await page.run(commands.searchClients(query, filter, after));
    if (r === null) return false;
    if (r.status === "error") {
      setLoading(null);
      return false;
    }
    setRows((prev) => [...(prev ?? []), ...r.data.rows]);
    settle(r.data.next);
    return r.data.rows.length > 0;
  }, [query, filter, loading]);

  const retry = useCallback(() => {
    if (rows !== null && next.current !== null) void loadMore();
    else setAttempt((n) => n + 1);
  }, [rows, loadMore]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  const update = useCallback((p: ClientProfile) => {
    setRows(
      (prev) =>
        prev?.map((row) =>
          row.id === p.id
            ? {
                ...row,
                firstName: p.firstName,
                lastName: p.lastName,
                email: p.email,
                phone: p.phone,
                pets: p.pets.map((pet) => pet.name),
                portal: p.portal.status,
              }
            : row,
        ) ?? null,
    );
  }, []);

  return {
    rows,
    hasMore,
    busy: page.busy,
    loading,
    error: page.error,
    loadMore,
    retry,
    reload,
    update,
  };
}
