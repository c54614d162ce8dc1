import { listen } from "@tauri-apps/api/event";
import { useEffect, useRef } from "preact/hooks";
import type { ConnectionStatus } from "../../../bindings";
import { CONNECTION_CHANGED } from "../../connection/useConnection";

/**
 * Hears when an invitation run queued while offline is replayed: `onSettled(sent)` once per
 * queued run that settles while this screen is open, `sent` when the clinic database stored it
 * (it is then this computer's to send, and the screen can show it), not when it was refused.
 */
export function useReplayedRuns(onSettled: (sent: boolean) => void) {
  const latest = useRef(onSettled);
  latest.current = onSettled;
  // The status lists outcomes of the last day too: only those settled since the screen opened,
  // or seen waiting, are news, each once.
  const since = useRef(Date.now());
  const waiting = useRef(new Set<number>());
  const told = useRef(new Set<number>());

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let cancelled = false;
    const heard = (status: ConnectionStatus) => {
      for (const a of status.actions) {
        if (a.kind !== "bulkInvite" || told.current.has(a.id)) continue;
        if (a.state === "queued") {
          waiting.current.add(a.id);
          continue;
        }
        const fresh = a.settledAt !== null && a.settledAt >= since.current;
        if (!waiting.current.has(a.id) && !fresh) continue;
        told.current.add(a.id);
        latest.current(a.state === "sent");
      }
    };
    void (async () => {
      try {
        const fn = await listen<ConnectionStatus>(CONNECTION_CHANGED, (e) => {
          if (e.payload) heard(e.payload);
        });
        if (cancelled) fn();
        else unlisten = fn;
      } catch {
        // Outside the desktop shell there is no event bus, and no queue either.
      }
    })();
    return () => {
      cancelled = true;
      if (unlisten) unlisten();
    };
  }, []);
}
