import { createContext } from "preact";
import { useCallback, useContext, useRef, useState } from "preact/hooks";
import { call, type Result, type SessionEvents } from "./api";
import type { CommandError } from "./bindings";
import { useMounted } from "./hooks";

/** Told when a command answers that the session has ended or locked; the app provides it. */
export const SessionEventsContext = createContext<SessionEvents>({
  ended: () => {},
  locked: () => {},
});

/**
 * Asks the signed-in person for their password again, in place; resolves whether they gave
 * it. The shell provides it; outside the shell nothing asks.
 */
export const ReauthContext = createContext<() => Promise<boolean>>(async () => false);

export type Outcome<T> = Result<T, CommandError>;
type Request<T> = Promise<Outcome<T>> | (() => Promise<Outcome<T>>);

export type Command = {
  /**
   * Runs a request; resolves to null when a newer run started meanwhile or the component has
   * gone. Given as a function, a request the back end refuses until the password is entered
   * again asks for it and is sent once more.
   */
  run: <T>(request: Request<T>) => Promise<Outcome<T> | null>;
  busy: boolean;
  error: CommandError | null;
  clear: () => void;
};

/**
 * Runs the commands of one part of a screen: `busy` while the latest runs, `error` from its
 * answer. Only the latest run's answer counts, so a slow earlier answer never overwrites it.
 */
export function useCommand(): Command {
  const events = useContext(SessionEventsContext);
  const reauth = useContext(ReauthContext);
  const mounted = useMounted();
  const latest = useRef(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);

  const run = useCallback(
    async <T>(request: Request<T>): Promise<Outcome<T> | null> => {
      const mine = ++latest.current;
      setBusy(true);
      setError(null);
      const send = typeof request === "function" ? request : () => request;
      let result = await call(send(), events);
      if (
        typeof request === "function" &&
        result.status === "error" &&
        result.error.code === "reauthRequired" &&
        mounted.current &&
        mine === latest.current &&
        (await reauth())
      ) {
        result = await call(request(), events);
      }
      if (!mounted.current || mine !== latest.current) return null;
      setBusy(false);
      setError(result.status === "error" ? result.error : null);
      return result;
    },
    [events, reauth],
  );
  const clear = useCallback(() => setError(null), []);
  return { run, busy, error, clear };
}
