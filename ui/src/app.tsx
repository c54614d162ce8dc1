import { listen } from "@tauri-apps/api/event";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { call } from "./api";
import {
  commands,
  type AppInfo,
  type CommandError,
  type ResetSecret,
  type SessionInfo,
} from "./bindings";
import { ErrorAlert } from "./components/ErrorAlert";
import { useFocusRescue } from "./focusRescue";
import {
  OWN_PASSWORD_CHANGED,
  PASSWORD_CHANGED,
  PASSWORD_CHANGED_ELSEWHERE,
  SESSION_ENDED,
  type AppNotice,
} from "./notices";
import { Forgot } from "./screens/auth/Forgot";
import { Login } from "./screens/auth/Login";
import { ResetCode } from "./screens/auth/ResetCode";
import { SetPassword } from "./screens/auth/SetPassword";
import { SetupClinic } from "./screens/setup/SetupClinic";
import { Shell } from "./screens/Shell";
import { SessionEventsContext } from "./useCommand";

type AuthRoute =
  | { name: "login" }
  | { name: "forgot" }
  | { name: "code" }
  | { name: "setPassword"; secret: ResetSecret; seq: number };

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  // The screen is locked over the current page; only the password or signing out opens it.
  const [locked, setLocked] = useState(false);
  const [bootError, setBootError] = useState<CommandError | null>(null);
  const [route, setRoute] = useState<AuthRoute>({ name: "login" });
  const [notice, setNotice] = useState<AppNotice | null>(null);
  const [lastUsername, setLastUsername] = useState("");
  // Each opened link or code gets a fresh Set-password screen, even for the same secret.
  const linkSeq = useRef(0);
  useFocusRescue();

  const sessionEnded = useCallback(() => {
    setSession(null);
    setLocked(false);
    setRoute({ name: "login" });
    setNotice(SESSION_ENDED);
  }, []);
  const events = useMemo(() => ({ ended: sessionEnded, locked: () => setLocked(true) }), []);

  const signedIn = (s: SessionInfo) => {
    setSession(s);
    setLocked(s.locked);
  };

  const boot = useCallback(async () => {
    setBootError(null);
    const [i, s] = await Promise.all([call(commands.appInfo()), call(commands.currentSession())]);
    if (i.status === "error") {
      setBootError(i.error);
      return;
    }
    setInfo(i.data);
    if (s.status === "ok" && s.data) signedIn(s.data);
    else setSession(null);
  }, []);

  const refreshInfo = useCallback(async () => {
    const i = await call(commands.appInfo());
    if (i.status === "ok") setInfo(i.data);
  }, []);

  useEffect(() => {
    void boot();
  }, [boot]);

  // The desktop shell titles the window itself; a browser tab says the same.
  useEffect(() => {
    document.title = info?.windowTitle ?? "VetDesk";
  }, [info?.windowTitle]);

  useEffect(() => {
    let unlisten: (() => void) | null = null;
    let cancelled = false;
    const openLink = (token: string) => {
      linkSeq.current += 1;
      setNotice(null);
      setRoute({ name: "setPassword", secret: { kind: "link", token }, seq: linkSeq.current });
    };
    void (async () => {
      try {
        const fn = await listen<{ token: string }>("reset-link", (event) => {
          const token = event.payload?.token;
          if (typeof token !== "string" || !token) return;
          openLink(token);
          // The shell also keeps the link for a window that was not listening yet; clear it.
          void call(commands.pendingResetLink());
        });
        if (cancelled) fn();
        else unlisten = fn;
      } catch {
        // Outside the desktop shell there is no event bus, so no link can arrive that way.
      }
      // A link that launched the app arrived before this listener existed.
      const pending = await call(commands.pendingResetLink());
      if (!cancelled && pending.status === "ok" && pending.data) openLink(pending.data);
    })();
    return () => {
      cancelled = true;
      if (unlisten) unlisten();
    };
  }, []);

  const go = (r: AuthRoute) => {
    setNotice(null);
    setRoute(r);
  };

  const signOut = async () => {
    await call(commands.logout(), events);
    setSession(null);
    setLocked(false);
    setNotice(null);
    setRoute({ name: "login" });
  };

  /** Another clinic opened (the demo, or back to the clinic's own), signed out; `said`: what
   * the sign-in screen tells about it. */
  const clinicOpened = (opened: AppInfo, said?: AppNotice) => {
    setInfo(opened);
    setSession(null);
    setLastUsername("");
    go({ name: "login" });
    if (said) setNotice(said);
  };

  const resetDone = async () => {
    const s = await call(commands.currentSession(), events);
    const still = s.status === "ok" ? s.data : null;
    setSession(still);
    setRoute({ name: "login" });
    setNotice(still ? PASSWORD_CHANGED_ELSEWHERE : PASSWORD_CHANGED);
  };

  return <SessionEventsContext.Provider value={events}>{screen()}</SessionEventsContext.Provider>;

  function screen() {
    if (bootError) {
      return (
        <div class="auth-page">
          <main class="auth-card">
            <h1 class="screen-title">VetDesk could not start</h1>
            <ErrorAlert error={bootError} />
            <button type="button" class="button button-primary" onClick={() => void boot()}>
              Try again
            </button>
          </main>
        </div>
      );
    }

    if (session === undefined || info === null) {
      return (
        <div class="auth-page" aria-busy="true">
          <p class="muted boot-text">Starting VetDesk…</p>
        </div>
      );
    }

    if (info.setupNeeded && !session) {
      return (
        <SetupClinic
          info={info}
          onDone={(s) => {
            setNotice(null);
            signedIn(s);
            void refreshInfo();
          }}
          onDemo={clinicOpened}
        />
      );
    }

    if (route.name === "setPassword") {
      return (
        <SetPassword
          key={route.seq}
          info={info}
          secret={route.secret}
          onDone={() => void resetDone()}
          onBack={() => go({ name: "login" })}
          onForgot={() => go({ name: "forgot" })}
          onReenterCode={() => go({ name: "code" })}
        />
      );
    }

    if (session) {
      return (
        <Shell
          info={info}
          session={session}
          locked={locked}
          onLocked={setLocked}
          notice={notice}
          onDismissNotice={() => setNotice(null)}
          onSignOut={() => void signOut()}
          onSettingsSaved={() => void refreshInfo()}
          onPasswordChanged={() => setNotice(OWN_PASSWORD_CHANGED)}
          onClinicOpened={clinicOpened}
        />
      );
    }

    switch (route.name) {
      case "forgot":
        return (
          <Forgot
            info={info}
            initialIdentifier={lastUsername}
            onBack={() => go({ name: "login" })}
            onCode={() => go({ name: "code" })}
          />
        );
      case "code":
        return (
          <ResetCode
            info={info}
            initialUsername={lastUsername}
            onBack={() => go({ name: "login" })}
            onContinue={(secret) => {
              if (secret.kind === "code") setLastUsername(secret.username);
              linkSeq.current += 1;
              go({ name: "setPassword", secret, seq: linkSeq.current });
            }}
          />
        );
      default:
        return (
          <Login
            info={info}
            notice={notice}
            initialUsername={lastUsername}
            onSignedIn={(s) => {
              setNotice(null);
              setLastUsername("");
              signedIn(s);
            }}
            onForgot={(u) => {
              setLastUsername(u);
              go({ name: "forgot" });
            }}
            onCode={(u) => {
              setLastUsername(u);
              go({ name: "code" });
            }}
            onLeftDemo={clinicOpened}
          />
        );
    }
  }
}
