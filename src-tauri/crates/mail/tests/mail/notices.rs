//! The notices after an email change and a one-time code: who did it, what to do if it was not
//! expected, and never a secret, whatever the outbox hands the renderer.

use mail_parser::MessageParser;
use vetdesk_core::outbox::EmailKind;
use vetdesk_core::settings::Settings;
use vetdesk_mail::render;

use crate::support::*;

/// `kind`'s notice to the test receptionist from "Ada Okafor", rendered with secrets at hand.
fn notice(kind: EmailKind, settings: &Settings) -> (String, String) {
    let mut email = reset_email(T0);
    email.kind = kind;
    email.token_id = None;
    email.token_live = None;
    email.subject = kind.subject("Harborview Animal Clinic");
    email.params.expires_at = None;
    email.params.requested_by = Some("Ada <b>Okafor</b>".into());
    let rendered = render(&email, Some(&secrets()), settings, T0).unwrap();
    let raw = rendered.message.formatted();
    bodies(&MessageParser::default().parse(&raw).unwrap())
}

#[test]
fn an_email_change_notice_names_who_and_what_to_do() {
    let (text, html) = notice(EmailKind::EmailChanged, &Settings::demo());
    assert!(text.contains("was changed by Ada <b>Okafor</b>."), "{text}");
    assert!(html.contains("was changed by Ada &lt;b&gt;Okafor&lt;&#x2f;b&gt;."));
    for body in [&text, &html] {
        assert!(body.contains("now go to the new address"));
        assert!(body.contains("If you did not, call the clinic at +1 555 0142 right away."));
        assert!(body.contains("the address your staff account at Harborview Animal Clinic had"));
    }
}

#[test]
fn a_code_notice_says_it_was_issued_and_never_holds_the_code() {
    let (text, html) = notice(EmailKind::CodeIssued, &Settings::demo());
    assert!(text.contains("A one-time code was issued for your Harborview Animal Clinic VetDesk account (receptionist) by Ada <b>Okafor</b>."));
    for body in [&text, &html] {
        assert!(body.contains("it is never sent by email"));
        assert!(body.contains("If you did not, call the clinic at +1 555 0142 right away."));
    }
}

#[test]
fn notices_carry_no_secret_and_fall_back_to_the_clinics_email() {
    let mut settings = Settings::demo();
    settings.clinic.phone = String::new();
    for kind in [EmailKind::EmailChanged, EmailKind::CodeIssued] {
        let (text, html) = notice(kind, &settings);
        for body in [&text, &html] {
            assert!(!body.contains(CODE) && !body.contains(LINK), "{kind:?}");
            assert!(!body.contains("vetdesk://"), "{kind:?}");
            assert!(
                body.contains("If you did not, contact the clinic at"),
                "{kind:?}"
            );
        }
    }
}
