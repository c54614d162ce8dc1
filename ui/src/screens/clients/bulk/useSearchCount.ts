import { useEffect, useState } from "preact/hooks";
import { commands, type ClientCursor, type ClientFilter, type ClientPage } from "../../../bindings";
import { useCommand, type Outcome } from "../../../useCommand";

/**
 * How many clients a search finds, counted a page at a time as the back end will collect them
 * when the run starts; `counted` grows while it counts. `known` skips the counting.
 */
export function useSearchCount(query: string, filter: ClientFilter, known: number | null) {
  const [counted, setCounted] = useState(known ?? 0);
  const [done, setDone] = useState(known !== null);
  const page = useCommand();

  useEffect(() => {
    if (known !== null) return;
    let current = true;
    void (async () => {
      let total = 0;
      let after: ClientCursor | null = null;
      for (;;) {
        const r: Outcome<ClientPage> | null = await page.run(
          commands.searchClients(query, filter, after),
        );
        if (!current || r === null || r.status === "error") return;
        total += r.data.rows.length;
        setCounted(total);
        if (r.data.next === null) break;
        after = r.data.next;
      }
      setDone(true);
    })();
    return () => {
      current = false;
    };
  }, [query, filter, known]);

  return { count: done ? counted : null, counted, error: page.error };
}
