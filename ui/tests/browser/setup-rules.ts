// Set up your clinic in the mock, and the password policy it shares with Set new password.
import type { ClinicDetails, FirstAdmin, StaffRow } from "../../src/bindings";
import { windowTitle, type Clinic } from "./clinic";
import { fail, passwordPolicy, say } from "./messages";
import { audit } from "./outbox";
import { EMAIL_RE } from "./settings-rules";

const COMMON = ["password123456789", "123456789012345", "qwertyuiopasdfgh", "iloveyouiloveyou"];
const USERNAME_RE = /^[a-z0-9][a-z0-9._-]*$/;

/** The back end's password policy, roughly: length, the two typed alike, context, common. */
export function checkNewPassword(c: Clinic, password: string, confirm: string, context: string[]) {
  if (password !== confirm) fail("invalidInput", say("passwordMismatch"), { field: "confirm" });
  const weak = (message: string) => fail("invalidInput", message, { field: "password" });
  const n = Array.from(password.normalize("NFC")).length;
  const min = c.settings.passwordMinLength;
  if (n < min) weak(say("passwordTooShort", { min }));
  if (n > passwordPolicy.maxLength) weak(say("passwordTooLong", { max: passwordPolicy.maxLength }));
  const lower = password.toLowerCase();
  const words = context.flatMap((w) => w.toLowerCase().split(/[^a-z0-9]+/));
  if (words.some((w) => w.length >= 4 && lower.includes(w))) weak(say("passwordHasContext"));
  if (COMMON.includes(lower)) weak(say("passwordGuessable"));
}

/** A field the back end requires, refused under its key with its label. */
function required(value: string, field: string, label: string) {
  if (!value.trim()) fail("invalidInput", say("required", { field: label }), { field });
}

function email(value: string, field: string, label: string) {
  required(value, field, label);
  if (!EMAIL_RE.test(value.trim()))
    fail("invalidInput", say("invalidEmail", { field: label }), { field });
}

/** Checks the form in the back end's order, then creates the admin and signs them in. */
export function setUpClinic(
  c: Clinic,
  clinic: ClinicDetails,
  admin: FirstAdmin,
  password: string,
  confirm: string,
) {
  if (c.staff.length > 0) fail("forbidden", say("alreadySetUp"));
  required(clinic.name, "clinic.name", "Clinic name");
  if (!clinic.email.trim())
    fail("invalidInput", say("clinicEmailRequired"), { field: "clinic.email" });
  email(clinic.email, "clinic.email", "Clinic email");
  required(admin.displayName, "admin.displayName", "Your name");
  const username = admin.username.trim().toLowerCase();
  required(username, "admin.username", "Username");
  if (!USERNAME_RE.test(username))
    fail("invalidInput", say("usernameCharacters", { field: "Username" }), {
      field: "admin.username",
    });
  email(admin.email, "admin.email", "Your email");
  checkNewPassword(c, password, confirm, [clinic.name, username, admin.displayName]);
  const me: StaffRow = {
    id: 1,
    username,
    displayName: admin.displayName.trim(),
    role: "admin",
    email: admin.email.trim(),
    status: "active",
  };
  c.staff.push(me);
  c.passwords[username] = password;
  c.settings.clinic = { ...clinic, clinicUrl: null };
  c.settings.mail.fromName = clinic.name;
  c.settings.mail.fromAddress = clinic.email;
  c.info = {
    ...c.info,
    clinicName: clinic.name,
    windowTitle: windowTitle(clinic.name, c.info.demo),
    setupNeeded: false,
  };
  c.session = { staffId: 1, username, displayName: me.displayName, role: "admin", locked: false };
  c.authenticatedAt = c.activeAt = Date.now();
  audit(c, "clinic_set_up", "ok");
  return { ...c.session };
}
