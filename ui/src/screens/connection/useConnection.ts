import { listen } from "@tauri-apps/api/event";
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../../api";
import { commands, type ConnectionStatus } from "../../bindings";
import { useMounted, usePolling } from "../../hooks";

/** What the desktop shell sends when the connection drops or returns, and when a queued action
 * is added or settled. */
export const CONNECTION_CHANGED = "connection-changed";

/** How often the window asks anyway, in case an event went missing. */
const POLL_MS = 15_000;

/**
 * Whether the clinic database answers, and what was queued while it did not (null until the
 * first answer). Told by the shell's event; asked once when mounted (after sign-in) and then
 * every 15 s.
 */
export function useConnection(): ConnectionStatus | null {
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  const mounted = useMounted();
  // Counts the events heard: an answer asked for before the latest one is older than it.
  const heard = useRef(0);

  const ask = async () => {
    const asked = heard.current;
    const r = await call(commands.connectionStatus());
    if (r.status === "ok" && mounted.current && heard.current === asked) setStatus(r.data);
  };

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let cancelled = false;
    void (async () => {
      try {
        const fn = await listen<ConnectionStatus>(CONNECTION_CHANGED, (event) => {
          if (!event.payload) return;
          heard.current += 1;
          setStatus(event.payload);
        });
        if (cancelled) fn();
        else unlisten = fn;
      } catch {
        // Outside the desktop shell there is no event bus; asking below and the polling remain.
      }
      if (!cancelled) await ask();
    })();
    return () => {
      cancelled = true;
      if (unlisten) unlisten();
    };
  }, []);
  usePolling(ask, POLL_MS, true);

  return status;
}

/** The clinic database is on a server that does not answer this computer now. */
export const isOffline = (status: ConnectionStatus | null): boolean =>
  status !== null && status.server && !status.online;
