import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api";
import { commands, type AppInfo, type SessionInfo } from "../bindings";
import { Badge } from "../components/Badge";
import { Icon } from "../components/Icon";
import type { IconName } from "../components/iconShapes";
import { Notice } from "../components/Notice";
import { isManager, roleLabel } from "../format";
import type { AppNotice } from "../notices";
import { ChangePasswordDialog } from "./account/ChangePasswordDialog";
import { AboutDialog } from "./help/AboutDialog";
import { Activity } from "./activity/Activity";
import { ClientList } from "./clients/ClientList";
import { OfflineBanner } from "./connection/OfflineBanner";
import { QueuedActions, useQueuePanel } from "./connection/QueuedActions";
import { isOffline, useConnection } from "./connection/useConnection";
import { Home } from "./Home";
import { MailPreview } from "./mail/MailPreview";
import { MailNotSent, mailNotSent } from "./MailNotSent";
import { ConfirmPasswordDialog } from "./lock/ConfirmPasswordDialog";
import { LockScreen } from "./lock/LockScreen";
import { useIdleLock } from "./lock/useIdleLock";
import { Settings } from "./settings/Settings";
import { StaffList } from "./staff/StaffList";
import { ReauthContext, SessionEventsContext } from "../useCommand";

export type Section = "clients" | "home" | "staff" | "settings" | "activity" | "preview";

type NavItem = {
  key: Section;
  label: string;
  crumbs: string[];
  icon: IconName;
  depth: 0 | 1 | 2;
};

export function allowedSections(info: AppInfo, session: SessionInfo): Section[] {
  const out: Section[] = [];
  const manager = isManager(session.role);
  // The first is where the person lands: managers on the Staff List, everyone else on the
  // Clients list they work from all day, with Home (its help text) a click away.
  if (manager) out.push("staff", "clients");
  else out.push("clients", "home");
  if (session.role === "admin") out.push("settings");
  if (manager) out.push("activity");
  if (manager && info.mailTransport === "preview") out.push("preview");
  return out;
}

const NAV: Record<Section, NavItem> = {
  clients: { key: "clients", label: "Clients", crumbs: ["Clients"], icon: "paw", depth: 0 },
  home: { key: "home", label: "Home", crumbs: ["Home"], icon: "home", depth: 0 },
  staff: {
    key: "staff",
    label: "Staff List",
    crumbs: ["Setup", "Organization", "Staff List"],
    icon: "users",
    depth: 2,
  },
  settings: {
    key: "settings",
    label: "Settings",
    crumbs: ["Setup", "Settings"],
    icon: "gear",
    depth: 1,
  },
  activity: {
    key: "activity",
    label: "Activity",
    crumbs: ["Setup", "Activity"],
    icon: "activity",
    depth: 1,
  },
  preview: {
    key: "preview",
    label: "Mail preview",
    crumbs: ["Mail preview"],
    icon: "mail",
    depth: 0,
  },
};

export function Shell({
  info,
  session,
  locked,
  onLocked,
  notice,
  onDismissNotice,
  onSignOut,
  onSettingsSaved,
  onPasswordChanged,
  onClinicOpened,
}: {
  info: AppInfo;
  session: SessionInfo;
  locked: boolean;
  onLocked: (locked: boolean) => void;
  notice: AppNotice | null;
  onDismissNotice: () => void;
  onSignOut: () => void;
  onSettingsSaved: () => void;
  onPasswordChanged: () => void;
  /** Setup › Database opened the clinic elsewhere; nobody is signed in there yet. */
  onClinicOpened: (info: AppInfo, said?: AppNotice) => void;
}) {
  const allowed = allowedSections(info, session);
  const [section, setSection] = useState<Section>(allowed[0]);
  const mainRef = useRef<HTMLElement>(null);
  const [changing, setChanging] = useState(false);
  const [aboutOpen, setAboutOpen] = useState(false);
  const events = useContext(SessionEventsContext);
  // The answer to a pending "Confirm it's you", while one is asked.
  const [asking, setAsking] = useState<((confirmed: boolean) => void) | null>(null);
  const pending = useRef<Promise<boolean> | null>(null);
  const connection = useConnection();
  const offline = isOffline(connection);
  const queue = useQueuePanel(connection?.actions ?? []);

  const lock = useCallback(() => {
    onLocked(true);
    void call(commands.lockSession(), events);
  }, [events]);
  useIdleLock(info.idleLockMinutes, info.activityReportSecs, !locked, lock, () => {
    void call(commands.sessionActivity(), events);
  });

  const reauth = useCallback(() => {
    pending.current ??= new Promise<boolean>((resolve) => {
      setAsking(() => (confirmed: boolean) => {
        pending.current = null;
        setAsking(null);
        resolve(confirmed);
      });
    });
    return pending.current;
  }, []);

  useEffect(() => {
    if (!allowed.includes(section)) setSection(allowed[0]);
  }, [allowed.join(","), section]);

  const open = (s: Section) => {
    setSection(s);
    onDismissNotice();
    mainRef.current?.focus({ preventScroll: true });
  };

  const setupItems = (["staff", "settings", "activity"] as Section[]).filter((s) =>
    allowed.includes(s),
  );
  const navButton = (s: Section) => {
    const item = NAV[s];
    return (
      <li key={s}>
        <button
          type="button"
          class={`nav-item nav-depth-${item.depth}${section === s ? " nav-item-active" : ""}`}
          aria-current={section === s ? "page" : undefined}
          data-testid={`nav-${s}`}
          onClick={() => open(s)}
        >
          <Icon name={item.icon} />
          <span>{item.label}</span>
        </button>
      </li>
    );
  };

  const current = NAV[section];

  return (
    <ReauthContext.Provider value={reauth}>
      <div class={offline ? "shell shell-offline" : "shell"}>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <div class="topbar-brand">
            <span class="brand-mark" aria-hidden="true">
              <Icon name="paw" size={20} />
            </span>
            <span class="brand-name">VetDesk</span>
            <span class="topbar-divider" aria-hidden="true" />
            <span class="topbar-clinic" data-testid="clinic-name" title={info.clinicName}>
              {info.clinicName}
            </span>
            {info.demo ? (
              <Badge tone="warning" testid="demo-badge">
                Demo
              </Badge>
            ) : null}
          </div>
          <div class="topbar-user">
            <span class="user-name" data-testid="session-user">
              {session.displayName}
            </span>
            <Badge tone="neutral" testid="session-role">
              {roleLabel(session.role)}
            </Badge>
            <button
              type="button"
              class="button button-ghost button-small"
              data-testid="change-password"
              onClick={() => {
                onDismissNotice();
                setChanging(true);
              }}
            >
              <Icon name="key" size={18} />
              Change password
            </button>
            <button
              type="button"
              class="button button-ghost button-small"
              data-testid="lock-now"
              title="Lock the screen; your page stays as it is"
              onClick={lock}
            >
              <Icon name="lock" size={18} />
              Lock
            </button>
            <button
              type="button"
              class="button button-ghost button-small"
              data-testid="signout"
              onClick={onSignOut}
            >
              <Icon name="signOut" size={18} />
              Sign out
            </button>
          </div>
        </header>
        {connection && offline ? (
          <OfflineBanner status={connection} onShowQueue={queue.show} />
        ) : null}
        <nav class="sidenav" aria-label="Main">
          <ul class="nav-list">
            {navButton("clients")}
            {allowed.includes("home") ? navButton("home") : null}
            {setupItems.length > 0 ? (
              <li>
                <p class="nav-group" id="nav-setup">
                  Setup
                </p>
                <ul class="nav-list" aria-labelledby="nav-setup">
                  {allowed.includes("staff") ? (
                    <li>
                      <p class="nav-subgroup" id="nav-org">
                        Organization
                      </p>
                      <ul class="nav-list" aria-labelledby="nav-org">
                        {navButton("staff")}
                      </ul>
                    </li>
                  ) : null}
                  {allowed.includes("settings") ? navButton("settings") : null}
                  {allowed.includes("activity") ? navButton("activity") : null}
                </ul>
              </li>
            ) : null}
            {allowed.includes("preview") ? (
              <li class="nav-separated">
                <ul class="nav-list">{navButton("preview")}</ul>
              </li>
            ) : null}
            <li>
              <p class="nav-group" id="nav-help">
                Help
              </p>
              <ul class="nav-list" aria-labelledby="nav-help">
                <li>
                  <button
                    type="button"
                    class="nav-item nav-depth-1"
                    aria-haspopup="dialog"
                    data-testid="nav-about"
                    onClick={() => setAboutOpen(true)}
                  >
                    <Icon name="help" />
                    <span>About VetDesk</span>
                  </button>
                </li>
              </ul>
            </li>
          </ul>
          <div class="nav-footer" data-testid="env-status">
            {info.demo ? (
              <p data-testid="demo-status">
                <span class="dot dot-warning" aria-hidden="true" />
                Demo clinic: made-up data
              </p>
            ) : null}
            <p>
              <span class={offline ? "dot dot-warning" : "dot"} aria-hidden="true" />
              <span data-testid="database-status">
                {info.database === "remote"
                  ? `Clinic database: ${info.databaseName ?? "server"}${offline ? " — offline" : ""}`
                  : "Local database"}
              </span>
            </p>
            <p>
              <span
                class={info.mailTransport === "preview" ? "dot dot-warning" : "dot"}
                aria-hidden="true"
              />
              {info.mailTransport === "preview" ? "Mail: preview outbox" : "Mail: SMTP"}
            </p>
            {info.keyringWarning ? (
              <p data-testid="keyring-status">
                <span class="dot dot-warning" aria-hidden="true" />
                No system keyring
              </p>
            ) : null}
            <p class="muted">Version {info.version}</p>
          </div>
        </nav>
        <main class="content" id="main" tabIndex={-1} ref={mainRef}>
          {connection && connection.actions.length > 0 ? (
            <QueuedActions actions={connection.actions} panel={queue} />
          ) : null}
          <nav class="breadcrumb" aria-label="You are here">
            {current.crumbs.map((c, i) => (
              <span key={c}>
                {i > 0 ? (
                  <span class="crumb-sep" aria-hidden="true">
                    ›
                  </span>
                ) : null}
                <span class={i === current.crumbs.length - 1 ? "crumb-current" : undefined}>
                  {c}
                </span>
              </span>
            ))}
          </nav>
          {notice ? (
            <Notice tone="success" testid={notice.testid}>
              <p>{notice.text}</p>
            </Notice>
          ) : null}
          {(section === "staff" || section === "settings") && mailNotSent(info) ? (
            <MailNotSent
              onOpenSettings={
                section === "staff" && allowed.includes("settings")
                  ? () => open("settings")
                  : undefined
              }
            />
          ) : null}
          {section === "settings" && info.keyringWarning ? (
            <Notice tone="warning" testid="keyring-warning" live={false}>
              <p>{info.keyringWarning}</p>
            </Notice>
          ) : null}
          {section === "home" ? <Home session={session} info={info} /> : null}
          {section === "clients" ? <ClientList canBulkInvite={isManager(session.role)} /> : null}
          {section === "staff" ? <StaffList session={session} /> : null}
          {section === "settings" ? (
            <Settings onSaved={onSettingsSaved} onClinicOpened={onClinicOpened} />
          ) : null}
          {section === "activity" ? <Activity /> : null}
          {section === "preview" ? <MailPreview /> : null}
        </main>
        {changing ? (
          <ChangePasswordDialog
            onClose={() => setChanging(false)}
            onChanged={() => {
              setChanging(false);
              onPasswordChanged();
            }}
          />
        ) : null}
        {aboutOpen ? <AboutDialog onClose={() => setAboutOpen(false)} /> : null}
        {asking ? (
          <ConfirmPasswordDialog
            displayName={session.displayName}
            onConfirmed={() => asking(true)}
            onCancel={() => asking(false)}
          />
        ) : null}
        {locked ? (
          <LockScreen
            info={info}
            session={session}
            onUnlocked={() => onLocked(false)}
            onSignOut={onSignOut}
          />
        ) : null}
      </div>
    </ReauthContext.Provider>
  );
}
