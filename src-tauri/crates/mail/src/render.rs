//! Turns an outbox row into a complete MIME message: headers built from parsed addresses, and a
//! multipart/alternative body with a plain-text and an HTML part.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{Address, Message};
use vetdesk_core::outbox::{EmailKind, EmailRecord};
use vetdesk_core::settings::Settings;
use vetdesk_core::time::Millis;
use vetdesk_core::token::Secrets;

use crate::error::MailError;
use crate::templates::{self, Context, Link};

/// The scheme the desktop app registers for its deep links.
pub const APP_RESET_URL: &str = "vetdesk://reset?token=";
/// Where a staff member's browser link goes, before its token.
pub const STAFF_RESET_PAGE: &str = "/reset#token=";
/// Where a client's invitation or portal reset link goes, before its token.
pub const PORTAL_SET_PASSWORD_PAGE: &str = "/portal/set-password#token=";
/// Stands where a reset email's code and links would be when its transport must not carry them.
pub const SECRET_PLACEHOLDER: &str = "hidden: set up email in Settings › Mail";

#[derive(Debug, Clone)]
pub struct RenderedEmail {
    pub message: Message,
    /// The Message-ID header value, angle brackets included.
    pub message_id: String,
}

/// Builds the message for `email`. Emails that carry secrets (staff resets, portal invitations
/// and resets) need `secrets`; the others ignore them. Patient-portal emails need the clinic's
/// web address, since their link goes to its pages.
pub fn render(
    email: &EmailRecord,
    secrets: Option<&Secrets>,
    settings: &Settings,
    now: Millis,
) -> Result<RenderedEmail, MailError> {
    build(email, Secrecy::Shown(secrets), settings, now)
}

/// Builds the message for `email` with [`SECRET_PLACEHOLDER`] where its code and links would
/// be, for a transport that must not carry them.
pub fn render_without_secrets(
    email: &EmailRecord,
    settings: &Settings,
    now: Millis,
) -> Result<RenderedEmail, MailError> {
    build(email, Secrecy::Hidden, settings, now)
}

/// What a reset email shows where its code and links go.
enum Secrecy<'a> {
    Shown(Option<&'a Secrets>),
    Hidden,
}

fn build(
    email: &EmailRecord,
    secrecy: Secrecy<'_>,
    settings: &Settings,
    now: Millis,
) -> Result<RenderedEmail, MailError> {
    let mail = &settings.mail;
    let from_address = address("From address", &mail.from_address)?;
    let from = mailbox("From name", &mail.from_name, from_address.clone())?;
    let to = mailbox(
        "Recipient name",
        &email.recipient_name,
        address("Recipient address", &email.recipient)?,
    )?;
    let reply_to = match mail.reply_to.as_deref().map(str::trim) {
        Some(r) if !r.is_empty() => Some(Mailbox::new(None, address("Reply-To", r)?)),
        _ => None,
    };
    let subject = single_line("Subject", &email.subject)?;

    let params = &email.params;
    let portal = is_portal(email.kind);
    let clinic_url = settings
        .clinic
        .clinic_url
        .as_deref()
        .map(|base| base.trim_end_matches('/'));
    // A portal link is nothing without the clinic's web page, hidden or not: refusing the email
    // here says so in the outbox instead of sending something a client cannot use.
    if portal && email.kind.carries_secrets() && clinic_url.is_none() {
        return Err(MailError::NoClinicUrl);
    }
    let (code, link, hidden) = match (email.kind.carries_secrets(), secrecy) {
        (true, Secrecy::Shown(secrets)) => {
            let (code, link) = reset_secrets(secrets)?;
            if portal && (code.is_some() || link.is_none()) {
                return Err(MailError::Build(
                    "a patient portal email carries a link and no code".into(),
                ));
            }
            (code, link, None)
        }
        (true, Secrecy::Hidden) => (None, None, Some(SECRET_PLACEHOLDER)),
        // Notices and test emails have no secrets to show or hide.
        (false, _) => (None, None, None),
    };
    // The token travels in the fragment, which browsers never send to a server: it stays out
    // of the web server's and proxies' logs and out of Referer headers; the page's script
    // reads it from there.
    let web_page = if portal {
        PORTAL_SET_PASSWORD_PAGE
    } else {
        STAFF_RESET_PAGE
    };
    let context = Context {
        subject,
        display_name: &params.display_name,
        username: &params.username,
        requested_by: params.requested_by.as_deref(),
        code,
        hidden,
        // Clients have no VetDesk app to open: portal emails link to the web page only.
        app_url: link
            .filter(|_| !portal)
            .map(|l| Link::new(format!("{APP_RESET_URL}{l}"))),
        web_url: link.and_then(|l| {
            let base = clinic_url?;
            Some(Link::new(format!("{base}{web_page}{l}")))
        }),
        expires_in: params
            .expires_at
            .map(|at| templates::expires_in_words(at - now)),
        clinic: &settings.clinic,
    };
    let bodies = templates::render(email.kind, &context)?;

    // The email's own row names it, so a copy sent again after a crash carries the same
    // Message-ID, and the recipient's mailbox shows it once.
    let message_id = format!(
        "<vetdesk.{}.{}@{}>",
        email.id,
        email.created_at,
        from_address.domain()
    );
    let mut builder = Message::builder()
        .message_id(Some(message_id.clone()))
        .date(system_time(now))
        .from(from)
        .to(to)
        .subject(subject)
        .header(AutoSubmitted);
    if let Some(reply_to) = reply_to {
        builder = builder.reply_to(reply_to);
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(bodies.text, bodies.html))
        .map_err(|e| MailError::Build(e.to_string()))?;
    Ok(RenderedEmail {
        message,
        message_id,
    })
}

/// Emails to a client about their patient-portal account, rather than to staff.
fn is_portal(kind: EmailKind) -> bool {
    matches!(
        kind,
        EmailKind::PortalInvite | EmailKind::PortalReset | EmailKind::PortalPasswordChanged
    )
}

fn reset_secrets(secrets: Option<&Secrets>) -> Result<(Option<&str>, Option<&str>), MailError> {
    let secrets = secrets.ok_or(MailError::MissingSecrets)?;
    let link = secrets.link.as_deref();
    if link.is_some_and(|l| {
        l.is_empty()
            || !l
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }) {
        return Err(MailError::Build("the reset link token is malformed".into()));
    }
    let code = secrets.code.as_deref();
    if link.is_none() && code.is_none() {
        return Err(MailError::MissingSecrets);
    }
    Ok((code, link))
}

fn address(field: &'static str, value: &str) -> Result<Address, MailError> {
    single_line(field, value)?
        .trim()
        .parse()
        .map_err(|_| MailError::InvalidAddress { field })
}

/// A display name and address; lettre quotes or encodes the name, and control characters are
/// refused before it gets the chance, so no name can start a header of its own.
fn mailbox(field: &'static str, name: &str, address: Address) -> Result<Mailbox, MailError> {
    let name = single_line(field, name)?.trim();
    Ok(Mailbox::new(
        (!name.is_empty()).then(|| name.to_string()),
        address,
    ))
}

fn single_line<'a>(field: &'static str, value: &'a str) -> Result<&'a str, MailError> {
    if value.chars().any(char::is_control) {
        return Err(MailError::InvalidHeader { field });
    }
    Ok(value)
}

fn system_time(now: Millis) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(now).unwrap_or(0))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): tells mail servers not to send vacation replies.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

#[cfg(test)]
mod tests;
