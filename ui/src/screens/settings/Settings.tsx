import { useEffect, useRef, useState } from "preact/hooks";
import {
  commands,
  type AppInfo,
  type CommandError,
  type Settings as SettingsData,
  type SettingsLimits,
} from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { ScreenHeading } from "../../components/ScreenHeading";
import { Spinner } from "../../components/Spinner";
import { errorFor, focusField } from "../../fieldError";
import type { AppNotice } from "../../notices";
import { useCommand } from "../../useCommand";
import { ClinicSection } from "./ClinicSection";
import { DatabaseSection } from "./database/DatabaseSection";
import { fromDraft, smtpPasswordOf, toDraft, type Bind, type Draft } from "./draft";
import { LifetimesSection } from "./LifetimesSection";
import { MailSection } from "./MailSection";
import { PasswordsSection } from "./PasswordsSection";
import { SaveBar } from "./SaveBar";
import { SessionsSection } from "./SessionsSection";

export function Settings({
  onSaved,
  onClinicOpened,
}: {
  onSaved: () => void;
  onClinicOpened: (info: AppInfo, said?: AppNotice) => void;
}) {
  const [saved, setSaved] = useState<SettingsData | null>(null);
  const [limits, setLimits] = useState<SettingsLimits | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  // The back end's error for one field, shown under it until that field is edited.
  const [invalid, setInvalid] = useState<CommandError | null>(null);
  const [savedNotice, setSavedNotice] = useState(false);
  const loadSettings = useCommand();
  const loadLimits = useCommand();
  const save = useCommand();
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    void (async () => {
      const r = await loadSettings.run(commands.getSettings());
      if (r?.status !== "ok") return;
      setSaved(r.data);
      setDraft(toDraft(r.data));
    })();
    void (async () => {
      const r = await loadLimits.run(commands.settingsLimits());
      if (r?.status === "ok") setLimits(r.data);
    })();
  }, []);

  const loadError = loadSettings.error ?? loadLimits.error;
  if (!draft || !saved || !limits) {
    return (
      <section class="page">
        <ScreenHeading>Settings</ScreenHeading>
        {loadError ? (
          <ErrorAlert error={loadError} />
        ) : (
          <p class="muted" role="status">
            <Spinner /> Loading settings…
          </p>
        )}
      </section>
    );
  }

  const pristine = JSON.stringify(toDraft(saved)) === JSON.stringify(draft);
  const update = (patch: Partial<Draft>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    setSavedNotice(false);
  };
  const bind: Bind = (key) => ({
    name: key,
    value: draft[key],
    onInput: (value) => {
      update({ [key]: value });
      if (invalid?.field === key) setInvalid(null);
    },
    error: errorFor(invalid, key),
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    setSavedNotice(false);
    setInvalid(null);
    const r = await save.run(() =>
      commands.saveSettings(fromDraft(draft, saved), smtpPasswordOf(draft)),
    );
    if (!r) return;
    if (r.status === "ok") {
      setSaved(r.data);
      setDraft(toDraft(r.data));
      setSavedNotice(true);
      onSaved();
    } else if (r.error.field) {
      setInvalid(r.error);
      focusField(formRef.current, r.error.field);
    }
  };

  return (
    <section class="page" aria-labelledby="settings-title">
      <PageHeader id="settings-title" title="Settings">
        Clinic details, how email is delivered, and account recovery rules.
      </PageHeader>
      <form class="settings-form" onSubmit={submit} noValidate ref={formRef}>
        <ClinicSection bind={bind} />
        <MailSection
          draft={draft}
          bind={bind}
          update={update}
          hasPassword={saved.mail.hasPassword ?? false}
          port={limits.port}
          pristine={pristine}
          savedDkim={saved.mail.dkim ?? null}
        />
        <LifetimesSection bind={bind} limits={limits.lifetimes} />
        <PasswordsSection bind={bind} minLength={limits.passwordMinLength} />
        <SessionsSection bind={bind} limits={limits.sessions} />
        <SaveBar
          error={save.error}
          saved={savedNotice}
          pristine={pristine}
          saving={save.busy}
          onDiscard={() => {
            setDraft(toDraft(saved));
            setInvalid(null);
            save.clear();
          }}
        />
      </form>
      <DatabaseSection onOpened={onClinicOpened} />
    </section>
  );
}
