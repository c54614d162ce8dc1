//! The HTML pages: minijinja templates compiled into the binary, HTML-escaped throughout.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{AutoEscape, Environment, Value};
use serde::Serialize;
use vetdesk_core::policy::{PasswordPolicy, PasswordPolicyInfo};
use vetdesk_core::settings::Settings;
use vetdesk_core::time::{Millis, MINUTE};
use vetdesk_core::CoreError;

/// What to do after a link turns out to be unusable.
pub const NEXT_STEP: &str = "Ask for a new link with Forgot password? in VetDesk, or ask your \
                             office manager.";

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("reset.html", include_str!("../templates/reset.html")),
    ("invalid.html", include_str!("../templates/invalid.html")),
    (
        "invalid_message.html",
        include_str!("../templates/invalid_message.html"),
    ),
    ("done.html", include_str!("../templates/done.html")),
    ("problem.html", include_str!("../templates/problem.html")),
    (
        "portal_set_password.html",
        include_str!("../templates/portal_set_password.html"),
    ),
    (
        "portal_invalid.html",
        include_str!("../templates/portal_invalid.html"),
    ),
    (
        "portal_invalid_message.html",
        include_str!("../templates/portal_invalid_message.html"),
    ),
    (
        "portal_done.html",
        include_str!("../templates/portal_done.html"),
    ),
    (
        "portal_login.html",
        include_str!("../templates/portal_login.html"),
    ),
    (
        "portal_home.html",
        include_str!("../templates/portal_home.html"),
    ),
];

/// What every page shows: the clinic's name, its phone number (the portal pages tell clients to
/// call) and its password rules.
#[derive(Debug, Clone, Serialize)]
pub struct Site {
    pub clinic: String,
    pub phone: String,
    pub min_length: u32,
    pub max_length: u32,
}

impl Site {
    pub fn of(settings: &Settings) -> Self {
        let policy = PasswordPolicy::new(settings.password_min_length).info();
        Self {
            clinic: settings.clinic.name.clone(),
            phone: settings.clinic.phone.clone(),
            min_length: policy.min_length,
            max_length: policy.max_length,
        }
    }

    /// Before the clinic is set up, or when its settings cannot be read.
    pub fn unnamed(policy: PasswordPolicyInfo) -> Self {
        Self {
            clinic: "VetDesk".into(),
            phone: String::new(),
            min_length: policy.min_length,
            max_length: policy.max_length,
        }
    }
}

#[derive(Clone)]
pub struct Pages {
    env: Arc<Environment<'static>>,
}

impl Default for Pages {
    fn default() -> Self {
        Self::new()
    }
}

impl Pages {
    pub fn new() -> Self {
        let mut env = Environment::new();
        // Every template is HTML, whatever its name says.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name} does not compile: {e}"));
        }
        env.add_global("invalid_message", CoreError::TokenInvalid.to_string());
        env.add_global("next_step", NEXT_STEP);
        Self { env: Arc::new(env) }
    }

    /// `template` with `site` and `context`, answered with `status`.
    pub fn render(
        &self,
        status: StatusCode,
        template: &str,
        site: &Site,
        context: Value,
    ) -> Response {
        let site = Value::from_serialize(site);
        let page = self
            .env
            .get_template(template)
            .and_then(|t| t.render(minijinja::context! { site, ..context }));
        match page {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(template, error = %e, "a page could not be rendered");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The page could not be shown.",
                )
                    .into_response()
            }
        }
    }

    /// A page that says what went wrong and what to do.
    pub fn problem(
        &self,
        status: StatusCode,
        site: &Site,
        heading: &str,
        message: &str,
    ) -> Response {
        self.render(
            status,
            "problem.html",
            site,
            minijinja::context! { heading, message },
        )
    }

    /// The one page for an expired, used, replaced, unknown or malformed link.
    pub fn invalid(&self, site: &Site) -> Response {
        self.render(
            StatusCode::BAD_REQUEST,
            "invalid.html",
            site,
            minijinja::context! {},
        )
    }

    /// The one page for a patient-portal link that cannot be used: whom to ask for a new one.
    pub fn portal_invalid(&self, site: &Site) -> Response {
        self.render(
            StatusCode::BAD_REQUEST,
            "portal_invalid.html",
            site,
            minijinja::context! {},
        )
    }
}

/// How long until `at`, in words that need no time zone.
pub fn expires_in(at: Millis, now: Millis) -> String {
    let minutes = (at - now).max(0) / MINUTE;
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match minutes {
        0 => "less than a minute".into(),
        1..=119 => plural(minutes, "minute"),
        120..=2879 => format!("about {}", plural(minutes / 60, "hour")),
        _ => format!("about {}", plural(minutes / (24 * 60), "day")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site::of(&Settings::demo())
    }

    #[test]
    fn every_template_renders_and_escapes() {
        let pages = Pages::new();
        let mut site = site();
        site.clinic = "<b>Harbor & Co</b>".into();
        site.phone = "<b>555</b>".into();
        let response = pages.problem(
            StatusCode::FORBIDDEN,
            &site,
            "Refused",
            "<script>alert(1)</script>",
        );
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let env = &pages.env;
        for (name, _) in TEMPLATES {
            let html = env
                .get_template(name)
                .unwrap()
                .render(minijinja::context! {
                    site => Value::from_serialize(&site),
                    notice => "<i>x</i>",
                    message => "<i>x</i>",
                    mode => "form",
                    target_name => "<i>x</i>",
                    greeting_name => "<i>x</i>",
                    username => "<i>x</i>",
                    form_error => "<i>x</i>",
                    invitation => true,
                })
                .unwrap();
            assert!(!html.contains("<b>Harbor"), "{name}");
            assert!(!html.contains("<b>555"), "{name}");
            assert!(!html.contains("<i>x</i>"), "{name}");
        }
    }

    #[test]
    fn expiry_is_said_in_minutes_hours_or_days() {
        assert_eq!(expires_in(30 * 1000, 0), "less than a minute");
        assert_eq!(expires_in(MINUTE, 0), "1 minute");
        assert_eq!(expires_in(30 * MINUTE, 0), "30 minutes");
        assert_eq!(expires_in(24 * 60 * MINUTE - 1, 0), "about 23 hours");
        assert_eq!(expires_in(7 * 24 * 60 * MINUTE, 0), "about 7 days");
        assert_eq!(expires_in(0, MINUTE), "less than a minute");
    }
}
