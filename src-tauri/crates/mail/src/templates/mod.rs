//! The email bodies: one HTML and one plain-text template per kind, embedded in the binary.
//! HTML templates escape every value; the text part says everything the HTML part says.

use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;
use vetdesk_core::outbox::EmailKind;
use vetdesk_core::settings::ClinicSettings;
use vetdesk_core::time::{Millis, MINUTE};

use crate::error::MailError;

const TEMPLATES: [(&str, &str); 22] = [
    ("layout.html", include_str!("layout.html")),
    ("layout.txt", include_str!("layout.txt")),
    ("call_clinic.html", include_str!("call_clinic.html")),
    ("call_clinic.txt", include_str!("call_clinic.txt")),
    ("staff_reset.html", include_str!("staff_reset.html")),
    ("staff_reset.txt", include_str!("staff_reset.txt")),
    (
        "password_changed.html",
        include_str!("password_changed.html"),
    ),
    ("password_changed.txt", include_str!("password_changed.txt")),
    ("email_changed.html", include_str!("email_changed.html")),
    ("email_changed.txt", include_str!("email_changed.txt")),
    ("code_issued.html", include_str!("code_issued.html")),
    ("code_issued.txt", include_str!("code_issued.txt")),
    ("test_message.html", include_str!("test_message.html")),
    ("test_message.txt", include_str!("test_message.txt")),
    (
        "portal_call_clinic.html",
        include_str!("portal_call_clinic.html"),
    ),
    (
        "portal_call_clinic.txt",
        include_str!("portal_call_clinic.txt"),
    ),
    ("portal_invite.html", include_str!("portal_invite.html")),
    ("portal_invite.txt", include_str!("portal_invite.txt")),
    ("portal_reset.html", include_str!("portal_reset.html")),
    ("portal_reset.txt", include_str!("portal_reset.txt")),
    (
        "portal_password_changed.html",
        include_str!("portal_password_changed.html"),
    ),
    (
        "portal_password_changed.txt",
        include_str!("portal_password_changed.txt"),
    ),
];

/// What the templates may show. Links and a code appear only in emails that carry secrets
/// ([`EmailKind::carries_secrets`]); patient-portal emails have a web link and nothing else.
#[derive(Debug, Serialize)]
pub(crate) struct Context<'a> {
    pub subject: &'a str,
    pub display_name: &'a str,
    pub username: &'a str,
    pub requested_by: Option<&'a str>,
    pub code: Option<&'a str>,
    /// Stands in for the code and links of an email that must not carry them.
    pub hidden: Option<&'a str>,
    pub app_url: Option<Link>,
    pub web_url: Option<Link>,
    pub expires_in: Option<String>,
    pub clinic: &'a ClinicSettings,
}

/// A URL for an `href`. minijinja's HTML escaping would also turn every `/` into `&#x2f;`,
/// which mail clients and spam filters handle badly in links, so URLs get the minimal escaping
/// an attribute needs and are then marked safe.
#[derive(Debug)]
pub(crate) struct Link(String);

impl Link {
    pub fn new(url: String) -> Self {
        Self(url)
    }
}

impl Serialize for Link {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut escaped = String::with_capacity(self.0.len());
        for c in self.0.chars() {
            match c {
                '&' => escaped.push_str("&amp;"),
                '<' => escaped.push_str("&lt;"),
                '>' => escaped.push_str("&gt;"),
                '"' => escaped.push_str("&quot;"),
                '\'' => escaped.push_str("&#x27;"),
                c => escaped.push(c),
            }
        }
        Value::from_safe_string(escaped).serialize(serializer)
    }
}

pub(crate) struct Bodies {
    pub text: String,
    pub html: String,
}

pub(crate) fn render(kind: EmailKind, context: &Context<'_>) -> Result<Bodies, MailError> {
    let env = environment()?;
    let part = |extension: &str| -> Result<String, MailError> {
        env.get_template(&format!("{}.{extension}", kind.as_str()))
            .and_then(|t| t.render(context))
            .map_err(|e| MailError::Template(e.to_string()))
    };
    Ok(Bodies {
        text: part("txt")?,
        html: part("html")?,
    })
}

fn environment() -> Result<&'static Environment<'static>, MailError> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // Templates ending in .html are HTML-escaped (minijinja's default callback).
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        for (name, source) in TEMPLATES {
            env.add_template(name, source).map_err(|e| e.to_string())?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| MailError::Template(e.clone()))
}

/// "30 minutes", "24 hours", "7 days": how long is left, rounded to the nearest unit.
pub(crate) fn expires_in_words(remaining: Millis) -> String {
    const HOUR: Millis = 60 * MINUTE;
    const DAY: Millis = 24 * HOUR;
    let rounded = |unit: Millis| ((remaining + unit / 2) / unit).max(1);
    let (count, unit) = if remaining < 2 * HOUR {
        (rounded(MINUTE), "minute")
    } else if remaining < 2 * DAY {
        (rounded(HOUR), "hour")
    } else {
        (rounded(DAY), "day")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::time::SECOND;

    #[test]
    fn every_template_parses() {
        assert!(environment().is_ok());
    }

    #[test]
    fn every_kind_has_both_parts() {
        let env = environment().unwrap();
        for kind in EmailKind::ALL {
            for extension in ["txt", "html"] {
                let name = format!("{}.{extension}", kind.as_str());
                assert!(env.get_template(&name).is_ok(), "{name}");
            }
        }
    }

    #[test]
    fn expiry_reads_like_a_person_would_say_it() {
        assert_eq!(expires_in_words(30 * MINUTE), "30 minutes");
        assert_eq!(expires_in_words(30 * MINUTE - 2 * SECOND), "30 minutes");
        assert_eq!(expires_in_words(15 * MINUTE), "15 minutes");
        assert_eq!(expires_in_words(20 * SECOND), "1 minute");
        assert_eq!(expires_in_words(-5 * SECOND), "1 minute");
        assert_eq!(expires_in_words(90 * MINUTE), "90 minutes");
        assert_eq!(expires_in_words(24 * 60 * MINUTE - MINUTE), "24 hours");
        assert_eq!(expires_in_words(7 * 24 * 60 * MINUTE), "7 days");
    }
}
