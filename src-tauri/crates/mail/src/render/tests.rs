//! What a rendered message holds: its parts, headers and secrets (or their placeholder).

use mail_parser::{MessageParser, MimeHeaders};
use vetdesk_core::outbox::{EmailParams, EmailStatus};
use vetdesk_core::time::MINUTE;

use super::*;

mod portal;

const NOW: Millis = 1_750_000_000_000;
const LINK: &str = "Zm9vYmFyLWxpbmstdG9rZW4tdmFsdWUtMDEyMzQ1Njc4OWFi";
const CODE: &str = "7KQ2M-XR4TD";

fn reset_email() -> EmailRecord {
    EmailRecord {
        id: 7,
        kind: EmailKind::StaffReset,
        staff_id: Some(3),
        token_id: Some(11),
        token_live: Some(true),
        recipient: "receptionist@harborview-clinic.example".into(),
        recipient_name: "Test Receptionist".into(),
        subject: EmailKind::StaffReset.subject("Harborview Animal Clinic"),
        params: EmailParams {
            display_name: "Test Receptionist".into(),
            username: "receptionist".into(),
            expires_at: Some(NOW + 30 * MINUTE),
            requested_by: None,
        },
        sealed: None,
        status: EmailStatus::Sending,
        attempts: 0,
        created_at: NOW,
        sent_at: None,
        delivered_via: None,
        last_error: None,
    }
}

fn secrets() -> Secrets {
    Secrets {
        link: Some(LINK.into()),
        code: Some(CODE.into()),
    }
}

struct Parts {
    raw: String,
    text: String,
    html: String,
}

fn parts(rendered: &RenderedEmail) -> Parts {
    let raw = rendered.message.formatted();
    let parsed = MessageParser::default().parse(&raw).unwrap();
    let body = |subtype: &str| {
        parsed
            .parts
            .iter()
            .filter(|p| {
                p.content_type()
                    .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some(subtype))
            })
            .map(|p| p.text_contents().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (text, html) = (body("plain"), body("html"));
    assert_eq!(text.len(), 1, "one text/plain part");
    assert_eq!(html.len(), 1, "one text/html part");
    Parts {
        raw: String::from_utf8(raw).unwrap(),
        text: text[0].clone(),
        html: html[0].clone(),
    }
}

#[test]
fn reset_email_has_both_parts_with_code_and_app_link() {
    let rendered = render(&reset_email(), Some(&secrets()), &Settings::demo(), NOW).unwrap();
    let p = parts(&rendered);
    assert!(p.raw.contains("Content-Type: multipart/alternative"));
    let app_link = format!("vetdesk://reset?token={LINK}");
    for body in [&p.text, &p.html] {
        assert!(body.contains(CODE));
        assert!(body.contains(&app_link));
        assert!(body.contains("This link and code expire in 30 minutes"));
        assert!(body.contains("your password has not changed"));
        assert!(body.contains("Hello Test Receptionist,"));
        assert!(body.contains("+1 555 0142"));
        assert!(body.contains("18 Wharf Street, Port Alder"));
        assert!(body.contains("frontdesk@harborview-clinic.example"));
        assert!(
            !body.contains("https://"),
            "no web link without a clinic URL"
        );
    }
    assert!(p.html.contains(">Open in VetDesk</a>"));
    assert!(p.text.contains("Open in VetDesk:"));
}

#[test]
fn browser_link_appears_only_when_a_clinic_url_is_set() {
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    let rendered = render(&reset_email(), Some(&secrets()), &settings, NOW).unwrap();
    let p = parts(&rendered);
    let web = format!("https://portal.harborview-clinic.example/reset#token={LINK}");
    for body in [&p.text, &p.html] {
        assert!(body.contains(&web));
        assert!(body.contains("Open in your browser"));
    }
    // The visible address of the browser link is the address it goes to.
    assert!(p.html.contains(&format!(
        "<a href=\"{web}\" style=\"color:#52606d;\">{web}</a>"
    )));
    // The token is in the fragment only: nothing a web server or a Referer header would see.
    for body in [&p.text, &p.html] {
        assert!(
            !body.contains("example/reset?"),
            "no token in a query string"
        );
    }
    // The app's own link keeps its form: the desktop app reads it, no server does.
    assert!(p.text.contains(&format!("vetdesk://reset?token={LINK}")));
}

#[test]
fn headers_are_complete() {
    let rendered = render(&reset_email(), Some(&secrets()), &Settings::demo(), NOW).unwrap();
    let raw = rendered.message.formatted();
    let parsed = MessageParser::default().parse(&raw).unwrap();
    let from = parsed.from().unwrap().first().unwrap();
    assert_eq!(from.name(), Some("Harborview Animal Clinic"));
    assert_eq!(from.address(), Some("no-reply@harborview-clinic.example"));
    let to = parsed.to().unwrap().first().unwrap();
    assert_eq!(to.name(), Some("Test Receptionist"));
    assert_eq!(to.address(), Some("receptionist@harborview-clinic.example"));
    assert_eq!(
        parsed.reply_to().unwrap().first().unwrap().address(),
        Some("frontdesk@harborview-clinic.example")
    );
    assert_eq!(
        parsed.subject(),
        Some("Reset your Harborview Animal Clinic VetDesk password")
    );
    assert_eq!(parsed.date().unwrap().to_timestamp(), NOW / 1000);
    let id = parsed.message_id().unwrap();
    assert!(id.ends_with("@harborview-clinic.example"), "{id}");
    assert_eq!(rendered.message_id, format!("<{id}>"));
    assert_eq!(
        rendered.message.headers().get_raw("Auto-Submitted"),
        Some("auto-generated")
    );
    // The same row sent again (after a crash) keeps its Message-ID; another row has its own.
    let again = render(&reset_email(), Some(&secrets()), &Settings::demo(), NOW + 1).unwrap();
    assert_eq!(again.message_id, rendered.message_id);
    let other = EmailRecord {
        id: reset_email().id + 1,
        ..reset_email()
    };
    let other = render(&other, Some(&secrets()), &Settings::demo(), NOW).unwrap();
    assert_ne!(other.message_id, rendered.message_id);
}

#[test]
fn requested_by_is_named() {
    let mut email = reset_email();
    email.params.requested_by = Some("Test Manager".into());
    email.params.expires_at = Some(NOW + 24 * 60 * MINUTE);
    let p = parts(&render(&email, Some(&secrets()), &Settings::demo(), NOW).unwrap());
    for body in [&p.text, &p.html] {
        assert!(body.contains("Test Manager sent you a link"));
        assert!(body.contains("expire in 24 hours"));
    }
}

#[test]
fn line_breaks_in_names_and_subjects_are_refused() {
    let mut email = reset_email();
    email.recipient_name = "Receptionist\r\nBcc: everyone@example.com".into();
    let err = render(&email, Some(&secrets()), &Settings::demo(), NOW).unwrap_err();
    assert!(matches!(
        err,
        MailError::InvalidHeader {
            field: "Recipient name"
        }
    ));

    let mut email = reset_email();
    email.subject = "Reset\nBcc: everyone@example.com".into();
    assert!(render(&email, Some(&secrets()), &Settings::demo(), NOW).is_err());

    let mut settings = Settings::demo();
    settings.mail.from_name = "Clinic\r\nX-Injected: yes".into();
    assert!(render(&reset_email(), Some(&secrets()), &settings, NOW).is_err());

    let mut email = reset_email();
    email.recipient = "receptionist@example.com\r\nBcc: everyone@example.com".into();
    assert!(render(&email, Some(&secrets()), &Settings::demo(), NOW).is_err());
}

#[test]
fn bad_addresses_are_refused() {
    let mut email = reset_email();
    email.recipient = "not-an-address".into();
    let err = render(&email, Some(&secrets()), &Settings::demo(), NOW).unwrap_err();
    assert!(matches!(
        err,
        MailError::InvalidAddress {
            field: "Recipient address"
        }
    ));
    assert!(err.is_permanent());
}

#[test]
fn names_are_html_escaped() {
    let mut email = reset_email();
    email.recipient_name = "<script>alert(1)</script>".into();
    email.params.display_name = "<script>alert(1)</script>".into();
    email.params.requested_by = Some("<b>Manager</b> & \"Co\"".into());
    let rendered = render(&email, Some(&secrets()), &Settings::demo(), NOW).unwrap();
    let p = parts(&rendered);
    assert!(p
        .html
        .contains("Hello &lt;script&gt;alert(1)&lt;&#x2f;script&gt;,"));
    assert!(!p.html.contains("<script>"));
    assert!(!p.html.contains("<b>Manager"));
    assert!(p.html.contains("&amp; &quot;Co&quot;"));
    // The text part is not HTML and says it as written.
    assert!(p.text.contains("Hello <script>alert(1)</script>,"));
}

#[test]
fn reset_email_without_secrets_is_refused() {
    let err = render(&reset_email(), None, &Settings::demo(), NOW).unwrap_err();
    assert!(matches!(err, MailError::MissingSecrets));
    assert!(err.is_permanent());
    let empty = Secrets {
        link: None,
        code: None,
    };
    assert!(render(&reset_email(), Some(&empty), &Settings::demo(), NOW).is_err());
    let odd = Secrets {
        link: Some("\"><script>".into()),
        code: Some(CODE.into()),
    };
    assert!(render(&reset_email(), Some(&odd), &Settings::demo(), NOW).is_err());
}

#[test]
fn hidden_secrets_leave_a_placeholder_in_both_parts() {
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    let rendered = render_without_secrets(&reset_email(), &settings, NOW).unwrap();
    let p = parts(&rendered);
    for body in [&p.text, &p.html] {
        assert!(body.contains(SECRET_PLACEHOLDER), "{body}");
        assert!(!body.contains("token="));
        assert!(!body.contains("vetdesk://"));
        assert!(!body.contains("Open in"));
        assert!(body.contains("Hello Test Receptionist,"));
    }
    assert!(!p.raw.contains("href=\"vetdesk"));

    let mut email = reset_email();
    email.kind = EmailKind::PasswordChanged;
    let notice = parts(&render_without_secrets(&email, &settings, NOW).unwrap());
    assert!(!notice.text.contains(SECRET_PLACEHOLDER));
}

#[test]
fn password_changed_carries_no_secrets_and_a_number_to_call() {
    let mut email = reset_email();
    email.kind = EmailKind::PasswordChanged;
    email.subject = EmailKind::PasswordChanged.subject("Harborview Animal Clinic");
    email.params.expires_at = None;
    let p = parts(&render(&email, Some(&secrets()), &Settings::demo(), NOW).unwrap());
    for body in [&p.text, &p.html] {
        assert!(!body.contains(CODE));
        assert!(!body.contains(LINK));
        assert!(!body.contains("vetdesk://"));
        assert!(body.contains("If this wasn't you, call the clinic at +1 555 0142"));
    }
}

#[test]
fn test_message_renders_without_a_recipient_name() {
    let mut email = reset_email();
    email.kind = EmailKind::TestMessage;
    email.recipient_name = String::new();
    email.subject = EmailKind::TestMessage.subject("Harborview Animal Clinic");
    let rendered = render(&email, None, &Settings::demo(), NOW).unwrap();
    let p = parts(&rendered);
    assert!(p.text.contains("This is a test email from VetDesk"));
    assert!(p.raw.contains("To: receptionist@harborview-clinic.example"));
}

#[test]
fn nothing_shouts() {
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    let p = parts(&render(&reset_email(), Some(&secrets()), &settings, NOW).unwrap());
    let shouting = p
        .text
        .split_whitespace()
        .filter(|w| w.len() > 4 && w.chars().all(|c| c.is_ascii_uppercase()))
        .filter(|w| !w.contains('-'))
        .collect::<Vec<_>>();
    assert!(shouting.is_empty(), "{shouting:?}");
    assert!(!p.html.contains("bit.ly"));
}
