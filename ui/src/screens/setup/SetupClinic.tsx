import { useEffect, useRef, useState } from "preact/hooks";
import {
  commands,
  type AppInfo,
  type ClinicDetails,
  type FirstAdmin,
  type PasswordPolicyInfo,
  type SessionInfo,
} from "../../bindings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { NewPasswordFields } from "../../components/NewPasswordFields";
import { ScreenHeading } from "../../components/ScreenHeading";
import { TextField } from "../../components/TextField";
import { errorFor, focusField } from "../../fieldError";
import { useTextInput } from "../../hooks";
import { useCommand } from "../../useCommand";
import { AuthLayout } from "../auth/AuthLayout";
import { TryDemo } from "./TryDemo";
import { BusyButton } from "../../components/BusyButton";

const NAMING = {
  password: { label: "Password", testid: "setup-password", name: "password" },
  confirm: { label: "Confirm password", testid: "setup-confirm", name: "confirm" },
};

const EMPTY_CLINIC: ClinicDetails = { name: "", phone: "", email: "", address: "" };
const EMPTY_ADMIN: FirstAdmin = { displayName: "", username: "", email: "" };

/** Every field the back end may name, so that its other refusals show below the form. */
const FIELD_KEYS = [
  ...Object.keys(EMPTY_CLINIC).map((k) => `clinic.${k}`),
  ...Object.keys(EMPTY_ADMIN).map((k) => `admin.${k}`),
  "password",
  "confirm",
];

/**
 * First start on an empty database: the clinic's details and the first admin, who is signed in
 * once the clinic is set up. The demo clinic is a separate choice below.
 */
export function SetupClinic({
  info,
  onDone,
  onDemo,
}: {
  info: AppInfo;
  onDone: (session: SessionInfo) => void;
  onDemo: (info: AppInfo) => void;
}) {
  const [clinic, setClinic] = useState(EMPTY_CLINIC);
  const [admin, setAdmin] = useState(EMPTY_ADMIN);
  const password = useTextInput();
  const confirm = useTextInput();
  const [policy, setPolicy] = useState<PasswordPolicyInfo | null>(null);
  const policyLoad = useCommand();
  const setup = useCommand();
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    void (async () => {
      const p = await policyLoad.run(commands.passwordPolicy());
      if (p?.status === "ok") setPolicy(p.data);
    })();
  }, []);

  const clinicField = (key: keyof ClinicDetails) => ({
    name: `clinic.${key}`,
    value: clinic[key],
    onInput: (v: string) => setClinic((c) => ({ ...c, [key]: v })),
    error: errorFor(setup.error, `clinic.${key}`),
  });
  const adminField = (key: keyof FirstAdmin) => ({
    name: `admin.${key}`,
    value: admin[key],
    onInput: (v: string) => setAdmin((a) => ({ ...a, [key]: v })),
    error: errorFor(setup.error, `admin.${key}`),
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    if (setup.busy) return;
    const r = await setup.run(commands.setupClinic(clinic, admin, password.value, confirm.value));
    if (!r) return;
    if (r.status === "ok") {
      onDone(r.data);
      return;
    }
    if (r.error.field === "confirm") confirm.onInput("");
    focusField(form.current, r.error.field);
  };

  const elsewhere =
    setup.error && !FIELD_KEYS.includes(setup.error.field ?? "") ? setup.error : null;

  return (
    <AuthLayout info={info} cardClass="auth-card-setup">
      <ScreenHeading>Set up your clinic</ScreenHeading>
      <p class="lead">
        No one has an account here yet. Enter your clinic's details and create the first admin
        account, which is yours. You can add your colleagues and set up email afterwards.
      </p>
      <form ref={form} class="stack" onSubmit={submit} noValidate data-testid="setup-form">
        <fieldset class="setup-group">
          <legend>Your clinic</legend>
          <TextField
            label="Clinic name"
            {...clinicField("name")}
            testid="setup-clinic-name"
            autoComplete="organization"
            autoFocus
          />
          <div class="grid-2">
            <TextField
              label="Clinic email"
              type="email"
              {...clinicField("email")}
              testid="setup-clinic-email"
              hint="The clinic's emails are sent from this address."
            />
            <TextField
              label="Phone (optional)"
              type="tel"
              {...clinicField("phone")}
              testid="setup-clinic-phone"
            />
          </div>
          <TextField
            label="Address (optional)"
            {...clinicField("address")}
            testid="setup-clinic-address"
          />
        </fieldset>
        <fieldset class="setup-group">
          <legend>You, the first admin</legend>
          <TextField
            label="Your name"
            {...adminField("displayName")}
            testid="setup-admin-name"
            autoComplete="name"
          />
          <div class="grid-2">
            <TextField
              label="Username"
              {...adminField("username")}
              testid="setup-admin-username"
              autoComplete="username"
              hint="Letters, digits, dots, hyphens and underscores."
            />
            <TextField
              label="Your email"
              type="email"
              {...adminField("email")}
              testid="setup-admin-email"
              autoComplete="email"
              hint="Where your own reset links go."
            />
          </div>
          <NewPasswordFields
            policy={policy}
            password={password}
            confirm={confirm}
            naming={NAMING}
            errors={{
              password: errorFor(setup.error, "password"),
              confirm: errorFor(setup.error, "confirm"),
            }}
          />
        </fieldset>
        <div class="message-slot">
          <ErrorAlert error={elsewhere} />
        </div>
        <BusyButton
          class="button button-primary button-block"
          testid="setup-submit"
          busy={setup.busy}
          busyLabel="Setting up…"
        >
          Set up and sign in
        </BusyButton>
      </form>
      <TryDemo onOpened={onDemo} />
    </AuthLayout>
  );
}
