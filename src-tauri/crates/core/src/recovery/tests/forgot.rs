//! Forgot password: one answer for everyone, one email for a real account, and the limits.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::outbox::{EmailKind, EmailStatus};
use crate::ports::{SettingsStore, TokenStore};
use crate::recovery::{FORGOT_MESSAGE, FORGOT_MESSAGE_NO_MAIL};
use crate::settings::{MailTransport, Settings};
use crate::testing::T0;
use crate::time::{MINUTE, SECOND};
use crate::token::{self, Purpose};

use super::{clinic, Clinic, WS};

/// Asks for `identifier` and checks that the answer is the one answer of a clinic whose mail
/// goes to the preview outbox.
async fn ask(c: &Clinic, identifier: &str, ws: &str) {
    let answer = c.forgot_password(identifier, ws).await.unwrap();
    assert_eq!(answer.message, FORGOT_MESSAGE_NO_MAIL);
}

#[tokio::test]
async fn the_answer_is_the_same_whoever_asks_and_only_a_real_account_gets_mail() {
    let c = clinic().await;
    let s = &c.staff;
    for who in [
        "dpatel",
        "nobody",
        s.no_email.username.as_str(),
        s.disabled.username.as_str(),
    ] {
        ask(&c, who, WS).await;
    }
    let emails = c.emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].record.staff_id, Some(s.vet.id));
    assert_eq!(c.t.wakes(), 1);

    let events = c.events(AuditAction::ForgotPassword);
    let seen: Vec<_> = events.iter().map(|e| (e.outcome, e.subject_id)).collect();
    assert_eq!(
        seen,
        [
            (AuditOutcome::Queued, Some(s.vet.id)),
            (AuditOutcome::NoMatchingAccount, None),
            (AuditOutcome::NoEmailOnFile, Some(s.no_email.id)),
            (AuditOutcome::AccountDisabled, Some(s.disabled.id)),
        ]
    );
}

#[tokio::test]
async fn a_clinic_that_sends_mail_does_not_send_people_to_the_office_manager() {
    let c = clinic().await;
    let mut settings = Settings::demo();
    settings.mail.transport = MailTransport::Smtp;
    let saved = AuditEvent::new(T0, AuditAction::SettingsSaved, AuditOutcome::Ok, WS);
    c.db.save_settings(&settings, &saved).await.unwrap();
    for who in ["dpatel", "nobody", c.staff.no_email.username.as_str()] {
        let answer = c.forgot_password(who, WS).await.unwrap();
        assert_eq!(answer.message, FORGOT_MESSAGE, "{who}");
    }
    assert_ne!(FORGOT_MESSAGE, FORGOT_MESSAGE_NO_MAIL);
    assert!(FORGOT_MESSAGE_NO_MAIL.starts_with(FORGOT_MESSAGE));
    assert!(FORGOT_MESSAGE_NO_MAIL.ends_with("ask your office manager for a one-time code."));
}

#[tokio::test]
async fn the_email_goes_to_the_registered_address_with_a_sealed_link_and_code() {
    let c = clinic().await;
    ask(&c, "DANA.PATEL@harborview-clinic.example", WS).await;
    let email = c.emails().remove(0).record;
    assert_eq!(email.kind, EmailKind::StaffReset);
    assert_eq!(email.recipient, "dana.patel@harborview-clinic.example");
    assert_eq!(email.status, EmailStatus::Queued);
    assert_eq!(email.params.expires_at, Some(T0 + 30 * MINUTE));
    assert_eq!(email.params.requested_by, None);

    let secrets = c.mailed_secrets(&c.staff.vet);
    let link = secrets.link.expect("a link");
    let typed = secrets.code.expect("a code");
    let stored =
        c.db.find_token_by_link(&token::digest(&link))
            .await
            .unwrap()
            .expect("the link's digest is stored");
    assert_eq!(email.token_id, Some(stored.id));
    assert_eq!(stored.purpose, Purpose::SelfReset);
    // The code's digest is keyed with the clinic's pepper: no plain hash of it is stored.
    assert_eq!(stored.code_digest, Some(c.t.pepper.digest(&typed)));
    assert_ne!(stored.code_digest, Some(token::digest(&typed)));
    let shown = format!("{:?}{}", email.params, email.subject);
    assert!(!shown.contains(&link) && !shown.contains(&typed));
}

#[tokio::test]
async fn one_recipient_gets_at_most_one_reset_email_a_minute() {
    let c = clinic().await;
    ask(&c, "dpatel", WS).await;
    c.advance(59 * SECOND);
    ask(&c, "dpatel", WS).await;
    assert_eq!(c.emails().len(), 1);
    c.advance(SECOND);
    ask(&c, "dpatel", WS).await;
    assert_eq!(c.emails().len(), 2);
    assert_eq!(
        c.outcomes(AuditAction::ForgotPassword),
        [
            AuditOutcome::Queued,
            AuditOutcome::TooSoon,
            AuditOutcome::Queued
        ]
    );
    // The newer link replaced the older one.
    let tokens = c.tokens();
    assert_eq!(tokens[0].revoked_at, Some(T0 + 60 * SECOND));
    assert!(tokens[1].is_live(c.now()));
    assert_eq!(c.emails()[0].record.token_live, Some(false));
}

#[tokio::test]
async fn an_account_gets_three_requests_before_the_limit() {
    let c = clinic().await;
    for _ in 0..4 {
        ask(&c, "dpatel", WS).await;
        c.advance(61 * SECOND);
    }
    assert_eq!(c.emails().len(), 3);
    let outcomes = c.outcomes(AuditAction::ForgotPassword);
    assert_eq!(outcomes[..3], [AuditOutcome::Queued; 3]);
    assert_eq!(outcomes[3], AuditOutcome::RateLimitedAccount);
    assert_eq!(
        c.events(AuditAction::ForgotPassword)[3].subject_id,
        Some(c.staff.vet.id)
    );
    // Another account is not held back by this one's limit.
    ask(&c, "rnakamura", WS).await;
    assert_eq!(c.emails().len(), 4);
}

#[tokio::test]
async fn a_workstation_gets_ten_requests_before_the_limit() {
    let c = clinic().await;
    for i in 0..10 {
        ask(&c, &format!("nobody{i}"), WS).await;
    }
    ask(&c, "dpatel", WS).await;
    assert!(c.emails().is_empty());
    let events = c.events(AuditAction::ForgotPassword);
    assert_eq!(events[10].outcome, AuditOutcome::RateLimitedWorkstation);
    assert_eq!(events[10].subject_id, None, "no lookup once limited");
    // Another desk still gets its email.
    ask(&c, "dpatel", "desk-2").await;
    assert_eq!(c.emails().len(), 1);
}

#[tokio::test]
async fn input_that_is_no_identifier_is_refused_with_its_field() {
    let c = clinic().await;
    for bad in ["", "dpatel\r\nBcc: x@y.example", &"a".repeat(2_000)] {
        let err = c.forgot_password(bad, WS).await.unwrap_err();
        assert_eq!(err.field(), Some("identifier"), "{bad:?}");
    }
    c.assert_nothing_written();
}
