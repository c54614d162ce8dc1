// The checks save_settings makes, each answered with the field it is about.
import type { Lifetimes, Settings } from "../../src/bindings";
import { webAddress } from "./clinic-url";
import { validatedDkim } from "./dkim-rules";
import { fail, inBounds, passwordPolicy, say, settingsLimits } from "./messages";

export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;

const LIFETIME_LABELS: Record<keyof Lifetimes, string> = {
  selfResetMinutes: "Self-service reset lifetime",
  adminResetMinutes: "Admin-sent reset lifetime",
  portalResetMinutes: "Portal reset lifetime",
  portalInviteMinutes: "Portal invitation lifetime",
  oneTimeCodeMinutes: "One-time code lifetime",
};

const refuse = (field: string, message: string) => fail("invalidInput", message, { field });

function required(field: string, label: string, value: string) {
  if (!value.trim()) refuse(field, say("required", { field: label }));
}

function email(field: string, label: string, value: string | null) {
  if (value && !EMAIL_RE.test(value)) refuse(field, say("invalidEmail", { field: label }));
}

/** Refuses the first field the core would; answers the fields the core normalizes. */
export function checkSettings(s: Settings): Pick<Settings["clinic"], "clinicUrl"> & {
  dkim: Settings["mail"]["dkim"];
} {
  required("clinic.name", "Clinic name", s.clinic.name);
  email("clinic.email", "Clinic email", s.clinic.email);
  const clinicUrl = webAddress("clinic.clinicUrl", "Clinic web address", s.clinic.clinicUrl);
  if (s.mail.transport === "smtp") required("mail.host", "SMTP host", s.mail.host);
  required("mail.fromName", "From name", s.mail.fromName);
  required("mail.fromAddress", "From address", s.mail.fromAddress);
  email("mail.fromAddress", "From address", s.mail.fromAddress);
  const dkim = s.mail.dkim ? validatedDkim(s.mail.dkim, s.mail.fromAddress) : null;
  email("mail.replyTo", "Reply-To", s.mail.replyTo);
  for (const key of Object.keys(LIFETIME_LABELS) as (keyof Lifetimes)[]) {
    const { min, max } = settingsLimits.lifetimes[key];
    if (!inBounds(s.lifetimes[key], { min, max }))
      refuse(
        `lifetimes.${key}`,
        say("lifetimeOutOfRange", { label: LIFETIME_LABELS[key], min, max }),
      );
  }
  if (!inBounds(s.passwordMinLength, settingsLimits.passwordMinLength))
    refuse(
      "passwordMinLength",
      say("minLengthOutOfRange", {
        ...settingsLimits.passwordMinLength,
        maxLength: passwordPolicy.maxLength,
      }),
    );
  const { idleLockMinutes, maxHours, offlineSignInDays } = settingsLimits.sessions;
  if (!inBounds(s.sessions.idleLockMinutes, idleLockMinutes))
    refuse(
      "sessions.idleLockMinutes",
      say("lifetimeOutOfRange", { label: "Lock after", ...idleLockMinutes }),
    );
  if (!inBounds(s.sessions.maxHours, maxHours))
    refuse("sessions.maxHours", say("hoursOutOfRange", { label: "Sign out after", ...maxHours }));
  if (!inBounds(s.sessions.offlineSignInDays ?? 7, offlineSignInDays))
    refuse(
      "sessions.offlineSignInDays",
      say("daysOutOfRange", { label: "Offline sign-in", ...offlineSignInDays }),
    );
  if (s.breachCheckUrl && !s.breachCheckUrl.startsWith("https://"))
    refuse("breachCheckUrl", say("httpsOnly", { field: "Breach check address" }));
  return { clinicUrl, dkim };
}
