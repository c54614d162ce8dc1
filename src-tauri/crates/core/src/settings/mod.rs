//! Clinic settings kept in the database (shared by every workstation). The SMTP password and the
//! DKIM private key are not here: they live in the OS keyring.

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::policy::{DEFAULT_MIN_LENGTH, MAX_LENGTH};
use crate::session::SessionSettings;
use crate::validate;

mod address;
pub mod fields;
mod limits;

pub use crate::dkim::DkimSettings;
pub use limits::{Bounds, LifetimeBounds, SessionBounds, SettingsLimits};

use address::optional_web_address;
use limits::in_bounds;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClinicSettings {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    /// Base https address of the clinic's vetdesk-server; reset emails link to it when set.
    pub clinic_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum MailTransport {
    Preview,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum SmtpSecurity {
    /// TLS from the first byte (usually port 465).
    ImplicitTls,
    /// Plain connection upgraded with STARTTLS; refuses servers that do not offer it (port 587).
    StartTls,
    /// No encryption: only for a relay on this machine or the clinic's own network.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct MailSettings {
    pub transport: MailTransport,
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub from_name: String,
    pub from_address: String,
    pub reply_to: Option<String>,
    /// Read-only for the UI: whether the keyring holds an SMTP password.
    #[serde(default)]
    pub has_password: bool,
    /// When set, every email sent through SMTP is DKIM-signed with the key in the keyring, and
    /// none goes out unsigned. Absent from settings saved before DKIM existed.
    #[serde(default)]
    pub dkim: Option<DkimSettings>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Lifetimes {
    pub self_reset_minutes: u32,
    pub admin_reset_minutes: u32,
    pub portal_reset_minutes: u32,
    pub portal_invite_minutes: u32,
    pub one_time_code_minutes: u32,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            self_reset_minutes: 30,
            admin_reset_minutes: 24 * 60,
            portal_reset_minutes: 60,
            portal_invite_minutes: 7 * 24 * 60,
            one_time_code_minutes: 15,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub clinic: ClinicSettings,
    pub mail: MailSettings,
    pub lifetimes: Lifetimes,
    pub password_min_length: u32,
    /// Idle lock and absolute lifetime of a signed-in session.
    pub sessions: SessionSettings,
    /// k-anonymity range endpoint (HIBP style); `None` turns the breached-password lookup off.
    pub breach_check_url: Option<String>,
}

/// The clinic web address as typed in Settings › Clinic (saved or not), checked as saving would.
pub fn clinic_url(value: &str) -> CoreResult<String> {
    address::optional_web_address(fields::CLINIC_URL, Some(value.to_string()))?.ok_or_else(|| {
        crate::CoreError::invalid(fields::CLINIC_URL, "Enter the clinic web address first.")
    })
}

impl Settings {
    pub fn demo() -> Self {
        Self {
            clinic: ClinicSettings {
                name: "Harborview Animal Clinic".into(),
                phone: "+1 555 0142".into(),
                email: "frontdesk@harborview-clinic.example".into(),
                address: "18 Wharf Street, Port Alder".into(),
                clinic_url: None,
            },
            mail: MailSettings {
                transport: MailTransport::Preview,
                host: "localhost".into(),
                port: 587,
                security: SmtpSecurity::StartTls,
                username: None,
                from_name: "Harborview Animal Clinic".into(),
                from_address: "no-reply@harborview-clinic.example".into(),
                reply_to: Some("frontdesk@harborview-clinic.example".into()),
                has_password: false,
                dkim: None,
            },
            lifetimes: Lifetimes::default(),
            password_min_length: DEFAULT_MIN_LENGTH,
            sessions: SessionSettings::default(),
            breach_check_url: None,
        }
    }

    /// Checks and normalizes everything an admin typed; the result is what gets stored.
    pub fn validated(self) -> CoreResult<Settings> {
        let limits = SettingsLimits::current();
        let clinic = ClinicSettings {
            name: validate::text(fields::CLINIC_NAME, &self.clinic.name, validate::NAME_MAX)?,
            phone: validate::optional_text(fields::CLINIC_PHONE, &self.clinic.phone, 40)?
                .unwrap_or_default(),
            email: validate::optional_email(fields::CLINIC_EMAIL, &self.clinic.email)?
                .unwrap_or_default(),
            address: validate::optional_text(fields::CLINIC_ADDRESS, &self.clinic.address, 200)?
                .unwrap_or_default(),
            clinic_url: optional_web_address(fields::CLINIC_URL, self.clinic.clinic_url)?,
        };
        let m = self.mail;
        let host = validate::optional_text(fields::SMTP_HOST, &m.host, 253)?.unwrap_or_default();
        if m.transport == MailTransport::Smtp && host.is_empty() {
            return Err(CoreError::invalid(
                fields::SMTP_HOST,
                "SMTP host is required to send through SMTP.",
            ));
        }
        if host.contains(|c: char| c.is_whitespace() || c == '/' || c == '@') {
            return Err(CoreError::invalid(
                fields::SMTP_HOST,
                "SMTP host must be a host name or address, like smtp.clinic.com.",
            ));
        }
        in_bounds(fields::SMTP_PORT, u32::from(m.port), limits.port, "")?;
        let from_address = validate::email(fields::FROM_ADDRESS, &m.from_address)?;
        let dkim = match m.dkim {
            Some(dkim) => Some(dkim.validated(&from_address)?),
            None => None,
        };
        let mail = MailSettings {
            transport: m.transport,
            host,
            port: m.port,
            security: m.security,
            username: match m.username {
                Some(u) => validate::optional_text(fields::SMTP_USERNAME, &u, 254)?,
                None => None,
            },
            from_name: validate::text(fields::FROM_NAME, &m.from_name, validate::NAME_MAX)?,
            from_address,
            reply_to: match m.reply_to {
                Some(r) => validate::optional_email(fields::REPLY_TO, &r)?,
                None => None,
            },
            // Derived from the keyring whenever settings are read; never stored.
            has_password: false,
            dkim,
        };
        let l = self.lifetimes;
        let b = limits.lifetimes;
        for (field, value, bounds) in [
            (
                fields::SELF_RESET,
                l.self_reset_minutes,
                b.self_reset_minutes,
            ),
            (
                fields::ADMIN_RESET,
                l.admin_reset_minutes,
                b.admin_reset_minutes,
            ),
            (
                fields::PORTAL_RESET,
                l.portal_reset_minutes,
                b.portal_reset_minutes,
            ),
            (
                fields::PORTAL_INVITE,
                l.portal_invite_minutes,
                b.portal_invite_minutes,
            ),
            (
                fields::ONE_TIME_CODE,
                l.one_time_code_minutes,
                b.one_time_code_minutes,
            ),
        ] {
            in_bounds(field, value, bounds, " minutes")?;
        }
        in_bounds(
            fields::PASSWORD_MIN_LENGTH,
            self.password_min_length,
            limits.password_min_length,
            &format!(" (passwords may be up to {MAX_LENGTH} characters)"),
        )?;
        let sessions = self.sessions;
        in_bounds(
            fields::IDLE_LOCK,
            sessions.idle_lock_minutes,
            limits.sessions.idle_lock_minutes,
            " minutes",
        )?;
        in_bounds(
            fields::MAX_SESSION,
            sessions.max_hours,
            limits.sessions.max_hours,
            " hours",
        )?;
        in_bounds(
            fields::OFFLINE_SIGN_IN,
            sessions.offline_sign_in_days,
            limits.sessions.offline_sign_in_days,
            " days (0 turns it off)",
        )?;
        Ok(Settings {
            clinic,
            mail,
            lifetimes: l,
            password_min_length: self.password_min_length,
            sessions,
            breach_check_url: optional_web_address(
                fields::BREACH_CHECK_URL,
                self.breach_check_url,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whether_a_password_is_stored_is_never_itself_stored() {
        let mut s = Settings::demo();
        s.mail.has_password = true;
        assert!(!s.validated().unwrap().mail.has_password);
    }

    #[test]
    fn demo_settings_are_valid() {
        assert_eq!(Settings::demo().validated().unwrap(), Settings::demo());
    }

    #[test]
    fn bad_values_are_refused() {
        let mut s = Settings::demo();
        s.mail.from_address = "no-reply@".into();
        assert!(s.validated().is_err());

        let mut s = Settings::demo();
        s.clinic.name = "Harborview\r\nBcc: all@x.com".into();
        assert!(s.validated().is_err());

        let mut s = Settings::demo();
        s.password_min_length = 6;
        assert!(s.validated().is_err());

        let mut s = Settings::demo();
        s.clinic.clinic_url = Some("javascript:alert(1)".into());
        assert!(s.validated().is_err());

        let mut s = Settings::demo();
        s.mail.transport = MailTransport::Smtp;
        s.mail.host = " ".into();
        assert!(s.validated().is_err());

        let mut s = Settings::demo();
        s.lifetimes.one_time_code_minutes = 0;
        assert!(s.validated().is_err());
    }

    #[test]
    fn a_refusal_names_its_field() {
        let mut s = Settings::demo();
        s.lifetimes.admin_reset_minutes = 4;
        let err = s.validated().unwrap_err();
        assert_eq!(err.field(), Some("lifetimes.adminResetMinutes"));
        assert_eq!(
            err.to_string(),
            "Admin-sent reset lifetime must be between 5 and 10080 minutes."
        );

        let mut s = Settings::demo();
        s.mail.reply_to = Some("nobody@".into());
        assert_eq!(s.validated().unwrap_err().field(), Some("mail.replyTo"));

        let mut s = Settings::demo();
        s.mail.port = 0;
        assert_eq!(s.validated().unwrap_err().field(), Some("mail.port"));
    }

    #[test]
    fn urls_are_trimmed_of_trailing_slashes() {
        let mut s = Settings::demo();
        s.clinic.clinic_url = Some("https://portal.clinic.example/".into());
        assert_eq!(
            s.validated().unwrap().clinic.clinic_url.as_deref(),
            Some("https://portal.clinic.example")
        );
    }
}
