import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { commands, type BulkProgress, type BulkSelection } from "../../../bindings";
import { usePolling } from "../../../hooks";
import { useCommand } from "../../../useCommand";
import { useReplayedRuns } from "./useReplayedRuns";

const POLL_MS = 500;

/**
 * The invitation runs this screen shows: those still running on this computer (found again
 * after a restart, or stored when a run queued offline was replayed) and those started here,
 * followed while they run. `onFinished` hears when a run stops, so the list can show the new
 * portal badges. `queued` is what the last start said while offline, until its run is replayed.
 */
export function useBulkRuns(onFinished: () => void) {
  const [runs, setRuns] = useState<BulkProgress[]>([]);
  const [queued, setQueued] = useState<string | null>(null);
  const load = useCommand();
  const start = useCommand();
  const poll = useCommand();
  const cancelling = useCommand();
  const finished = useRef(onFinished);
  finished.current = onFinished;

  /** Puts a newer progress in place; a run that stopped since the last look is announced. */
  const latest = useRef(runs);
  latest.current = runs;
  const show = useCallback((p: BulkProgress) => {
    const old = latest.current.find((r) => r.id === p.id);
    const next = old ? latest.current.map((r) => (r.id === p.id ? p : r)) : [...latest.current, p];
    latest.current = next;
    setRuns(next);
    if (old?.status === "running" && p.status !== "running") finished.current();
  }, []);

  const loadRunning = useCallback(() => {
    void load.run(commands.runningBulkInvites()).then((r) => {
      if (r?.status === "ok") r.data.forEach(show);
    });
  }, []);
  useEffect(loadRunning, []);
  useReplayedRuns((sent) => {
    setQueued(null);
    if (sent) loadRunning();
  });

  const running = runs.filter((r) => r.status === "running").map((r) => r.id);
  usePolling(
    async () => {
      for (const id of running) {
        const r = await poll.run(commands.bulkInviteProgress(id));
        if (r?.status === "ok") show(r.data);
      }
    },
    POLL_MS,
    running.length > 0,
  );

  const begin = async (selection: BulkSelection): Promise<boolean> => {
    setQueued(null);
    const r = await start.run(commands.startBulkInvite(selection));
    if (r?.status !== "ok") return false;
    if (r.data.kind === "queued") {
      setQueued(r.data.message);
      return true;
    }
    show(r.data.progress);
    if (r.data.progress.status !== "running") finished.current();
    return true;
  };

  const cancel = async (id: number) => {
    const r = await cancelling.run(commands.cancelBulkInvite(id));
    if (r?.status === "ok") show(r.data);
  };

  const dismiss = (id: number) => {
    latest.current = latest.current.filter((r) => r.id !== id);
    setRuns(latest.current);
  };

  return {
    runs,
    queued,
    dismissQueued: () => setQueued(null),
    begin,
    starting: start.busy,
    startError: start.error,
    clearStartError: start.clear,
    cancel,
    cancelling: cancelling.busy,
    error: load.error ?? poll.error ?? cancelling.error,
    dismiss,
  };
}
