//! Setting a new password with a link or a code.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::{CoreError, ErrorCode};
use crate::outbox::{Claimant, EmailKind, EmailStatus};
use crate::ports::OutboxStore;
use crate::testing::T0;
use crate::time::MINUTE;
use crate::token::MAX_CODE_ATTEMPTS;

use super::{clinic, code, link, Clinic, NEW_PASSWORD, WS};

/// A one-time code for the receptionist, issued by the admin.
async fn receptionist_code(c: &Clinic) -> String {
    let s = &c.staff;
    let issued = c
        .issue_one_time_code(&c.at_desk(&s.admin).await, s.receptionist.id, WS)
        .await;
    issued.unwrap().code
}

#[tokio::test]
async fn opening_a_link_does_not_use_it_up() {
    let c = clinic().await;
    let token = c.forgot_link(&c.staff.vet).await;
    for _ in 0..3 {
        let target = c.check_link(&token).await.unwrap();
        assert_eq!(target.display_name, "Dana Patel");
        assert_eq!(target.expires_at, T0 + 30 * MINUTE);
    }
    assert!(c.tokens()[0].is_live(c.now()));
    c.reset(link(&token), NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_weak_password_leaves_the_token_usable() {
    let c = clinic().await;
    let token = c.forgot_link(&c.staff.vet).await;
    for weak in [
        "password",
        "dana patel lantern orbit pickle",
        "passwordpassword1",
    ] {
        let err = c.reset(link(&token), weak).await.unwrap_err();
        assert!(matches!(err, CoreError::WeakPassword(_)), "{weak}: {err:?}");
        assert_eq!(err.field(), Some("password"));
    }
    assert_eq!(c.tokens()[0].used_at, None);
    c.reset(link(&token), NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_mismatched_confirmation_is_refused_under_the_confirm_field() {
    let c = clinic().await;
    let token = c.forgot_link(&c.staff.vet).await;
    let typo = format!("{NEW_PASSWORD}s");
    let err = c
        .complete_reset(link(&token), NEW_PASSWORD, &typo, WS)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::PasswordMismatch));
    assert_eq!(err.field(), Some("confirm"));
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(c.tokens()[0].is_live(c.now()));
    assert!(c.events(AuditAction::PasswordReset).is_empty());
}

#[tokio::test]
async fn success_consumes_the_token_revokes_the_others_ends_sessions_and_sends_a_notice() {
    let c = clinic().await;
    let vet = &c.staff.vet;
    let session = c.sign_in_with_roster_password(vet).await.unwrap();
    c.issue_one_time_code(&c.at_desk(&c.staff.admin).await, vet.id, WS)
        .await
        .unwrap();
    let token = c.forgot_link(vet).await;
    c.advance(MINUTE);
    c.reset(link(&token), NEW_PASSWORD).await.unwrap();

    let now = c.now();
    let tokens = c.tokens();
    assert_eq!(
        tokens[0].revoked_at,
        Some(now),
        "the one-time code is revoked"
    );
    assert_eq!(tokens[1].used_at, Some(now), "the link is consumed");
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::NotSignedIn)
    ));
    let notice = c.emails().pop().unwrap().record;
    assert_eq!(notice.kind, EmailKind::PasswordChanged);
    assert_eq!(notice.recipient, vet.email.clone().unwrap());
    assert_eq!(
        (notice.status, notice.token_id),
        (EmailStatus::Queued, None)
    );
    assert!(notice.sealed.is_none(), "a notice carries no secret");
    // The one-time code's notice, the reset email and this notice each woke the outbox.
    assert_eq!(c.t.wakes(), 3);

    let events = c.events(AuditAction::PasswordReset);
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].outcome, events[0].subject_id),
        (AuditOutcome::Ok, Some(vet.id))
    );
    assert_eq!(events[0].detail.as_deref(), Some("with self_reset"));

    // No automatic sign-in: the old password is refused, the new one works.
    let old = c.sign_in_with_roster_password(vet).await;
    assert!(matches!(old, Err(CoreError::InvalidCredentials)));
    c.sign_in(vet, NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_replayed_link_is_refused_with_the_one_message() {
    let c = clinic().await;
    let token = c.forgot_link(&c.staff.vet).await;
    c.reset(link(&token), NEW_PASSWORD).await.unwrap();
    let replay = c
        .reset(link(&token), "another long phrase of odd words")
        .await;
    let err = replay.unwrap_err();
    assert!(matches!(err, CoreError::TokenInvalid));
    assert_eq!(err.code(), ErrorCode::TokenInvalid);
    assert!(matches!(
        c.check_link(&token).await,
        Err(CoreError::TokenInvalid)
    ));
    assert_eq!(c.emails().len(), 2, "one reset email and one notice");
    c.sign_in(&c.staff.vet, NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn an_expired_link_is_refused_and_its_email_will_not_go_out() {
    let c = clinic().await;
    let token = c.forgot_link(&c.staff.vet).await;
    c.advance(30 * MINUTE - 1);
    c.check_link(&token).await.unwrap();
    c.advance(1);
    assert!(matches!(
        c.check_link(&token).await,
        Err(CoreError::TokenInvalid)
    ));
    let err = c.reset(link(&token), NEW_PASSWORD).await.unwrap_err();
    assert!(matches!(err, CoreError::TokenInvalid));
    assert_eq!(c.tokens()[0].used_at, None);
    let claimed =
        c.db.claim_due_emails(c.now(), MINUTE, 10, &Claimant::new(WS, "run-1"))
            .await
            .unwrap();
    assert_eq!(claimed[0].token_live, Some(false));
    c.sign_in_with_roster_password(&c.staff.vet).await.unwrap();
}

#[tokio::test]
async fn unknown_and_malformed_links_get_the_one_message() {
    let c = clinic().await;
    let huge = "x".repeat(100_000);
    let unknown = "A".repeat(43);
    for token in [
        "",
        "short",
        unknown.as_str(),
        huge.as_str(),
        "'; drop table staff; --",
    ] {
        let err = c.check_link(token).await.unwrap_err();
        assert!(matches!(err, CoreError::TokenInvalid), "{token:.20}");
    }
}

#[tokio::test]
async fn a_code_works_with_its_username_in_any_case_and_spelling() {
    let c = clinic().await;
    let typed = receptionist_code(&c).await.to_lowercase().replace('-', " ");
    c.reset(code("RNAKAMURA", &typed), NEW_PASSWORD)
        .await
        .unwrap();
    let events = c.events(AuditAction::PasswordReset);
    assert_eq!(events[0].detail.as_deref(), Some("with one_time_code"));
    c.sign_in(&c.staff.receptionist, NEW_PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn five_wrong_codes_use_a_code_up() {
    let c = clinic().await;
    let right = receptionist_code(&c).await;
    let wrong = || code("rnakamura", "00000-00000");
    for _ in 1..MAX_CODE_ATTEMPTS {
        let err = c.reset(wrong(), NEW_PASSWORD).await.unwrap_err();
        assert!(matches!(err, CoreError::TokenInvalid));
    }
    assert_eq!(c.tokens()[0].failed_attempts, MAX_CODE_ATTEMPTS - 1);
    assert!(
        c.tokens()[0].is_live(c.now()),
        "four wrong codes are forgiven"
    );

    c.reset(wrong(), NEW_PASSWORD).await.unwrap_err();
    assert!(c.tokens()[0].revoked_at.is_some(), "the fifth revokes it");
    let late = c.reset(code("rnakamura", &right), NEW_PASSWORD).await;
    assert!(matches!(late, Err(CoreError::TokenInvalid)));
    assert_eq!(
        c.outcomes(AuditAction::ResetCode),
        [AuditOutcome::WrongCode; 5]
    );
    c.sign_in_with_roster_password(&c.staff.receptionist)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_code_is_refused_with_someone_elses_username() {
    let c = clinic().await;
    let right = receptionist_code(&c).await;
    let err = c.reset(code("dpatel", &right), NEW_PASSWORD).await;
    assert!(matches!(err, Err(CoreError::TokenInvalid)));
    // Dana has no live code, so nothing is counted against anyone.
    assert_eq!(c.tokens()[0].failed_attempts, 0);
    assert!(c.events(AuditAction::ResetCode).is_empty());
}

#[tokio::test]
async fn a_reset_without_an_email_on_file_queues_no_notice() {
    let c = clinic().await;
    let s = &c.staff;
    let issued = c
        .issue_one_time_code(&c.at_desk(&s.manager).await, s.no_email.id, WS)
        .await;
    let typed = issued.unwrap().code;
    c.reset(code(&s.no_email.username, &typed), NEW_PASSWORD)
        .await
        .unwrap();
    assert!(c.emails().is_empty());
    assert_eq!(c.tokens()[0].used_at, Some(c.now()));
    c.sign_in(&s.no_email, NEW_PASSWORD).await.unwrap();
}
