import { createContext } from "preact";
import { useCallback, useContext, useRef, useState } from "preact/hooks";
import { call, type Result } from "./api";
import type { CommandError } from "./bindings";
import { useMounted } from "./hooks";

/** Told when a command answers that the session has ended; the app provides it. */
export const SessionEndedContext = createContext<() => void>(() => {});

export type Outcome<T> = Result<T, CommandError>;

export type Command = {
  /** Resolves to null when a newer run started meanwhile or the component has gone. */
  run: <T>(request: Promise<Outcome<T>>) => Promise<Outcome<T> | null>;
  busy: boolean;
  error: CommandError | null;
  clear: () => void;
};

/**
 * Runs the commands of one part of a screen: `busy` while the latest runs, `error` from its
 * answer. Only the latest run's answer counts, so a slow earlier answer never overwrites it.
 */
export function useCommand(): Command {
  const onSessionEnded = useContext(SessionEndedContext);
  const mounted = useMounted();
  const latest = useRef(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  const run = useCallback(
    async <T>(request: Promise<Outcome<T>>): Promise<Outcome<T> | null> => {
      const mine = ++latest.current;
      setBusy(true);
      setError(null);
      const result = await call(request, onSessionEnded);
      if (!mounted.current || mine !== latest.current) return null;
      setBusy(false);
      setError(result.status === "error" ? result.error : null);
      return result;
    },
    [onSessionEnded],
  );
  const clear = useCallback(() => setError(null), []);
  return { run, busy, error, clear };
}
