//! The Settings form's fields, keyed by their path in [`super::Settings`] as the UI sends it.

use crate::validate::Field;

pub const CLINIC_NAME: Field = Field::new("clinic.name", "Clinic name");
pub const CLINIC_PHONE: Field = Field::new("clinic.phone", "Clinic phone");
pub const CLINIC_EMAIL: Field = Field::new("clinic.email", "Clinic email");
pub const CLINIC_ADDRESS: Field = Field::new("clinic.address", "Clinic address");
pub const CLINIC_URL: Field = Field::new("clinic.clinicUrl", "Clinic web address");
pub const SMTP_HOST: Field = Field::new("mail.host", "SMTP host");
pub const SMTP_PORT: Field = Field::new("mail.port", "SMTP port");
pub const SMTP_USERNAME: Field = Field::new("mail.username", "SMTP username");
pub const FROM_NAME: Field = Field::new("mail.fromName", "From name");
pub const FROM_ADDRESS: Field = Field::new("mail.fromAddress", "From address");
pub const REPLY_TO: Field = Field::new("mail.replyTo", "Reply-To");
pub const DKIM_DOMAIN: Field = Field::new("mail.dkim.domain", "DKIM domain");
pub const DKIM_SELECTOR: Field = Field::new("mail.dkim.selector", "DKIM selector");
pub const SELF_RESET: Field =
    Field::new("lifetimes.selfResetMinutes", "Self-service reset lifetime");
pub const ADMIN_RESET: Field =
    Field::new("lifetimes.adminResetMinutes", "Admin-sent reset lifetime");
pub const PORTAL_RESET: Field = Field::new("lifetimes.portalResetMinutes", "Portal reset lifetime");
pub const PORTAL_INVITE: Field = Field::new(
    "lifetimes.portalInviteMinutes",
    "Portal invitation lifetime",
);
pub const ONE_TIME_CODE: Field =
    Field::new("lifetimes.oneTimeCodeMinutes", "One-time code lifetime");
pub const PASSWORD_MIN_LENGTH: Field = Field::new("passwordMinLength", "Password minimum length");
pub const IDLE_LOCK: Field = Field::new("sessions.idleLockMinutes", "Lock after");
pub const MAX_SESSION: Field = Field::new("sessions.maxHours", "Sign out after");
pub const OFFLINE_SIGN_IN: Field = Field::new("sessions.offlineSignInDays", "Offline sign-in");
pub const BREACH_CHECK_URL: Field = Field::new("breachCheckUrl", "Breach check address");
/// Not part of [`super::Settings`]: the argument beside it that goes to the keyring.
pub const SMTP_PASSWORD: Field = Field::new("smtpPassword", "The SMTP password");
/// Not part of [`super::Settings`] either: the DKIM private key, which goes to the keyring.
pub const DKIM_KEY: Field = Field::new("dkimKey", "DKIM private key");
