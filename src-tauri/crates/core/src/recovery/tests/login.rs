//! Signing in and out.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::CoreError;
use crate::testing::roster::PASSWORD;

use super::{clinic, WS};

#[tokio::test]
async fn the_right_password_opens_a_session_and_is_audited() {
    let c = clinic().await;
    let vet = &c.staff.vet;
    let (session, info) = c.login("dpatel", PASSWORD, WS).await.unwrap();
    assert_eq!(info.staff_id, vet.id);
    assert_eq!(info.display_name, "Dana Patel");
    assert_eq!(c.actor(Some(session), WS).await.unwrap().id, vet.id);

    let events = c.events(AuditAction::Login);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, AuditOutcome::Ok);
    assert_eq!(
        (events[0].actor_id, events[0].subject_id),
        (Some(vet.id), Some(vet.id))
    );
    assert_eq!(events[0].workstation, WS);
}

#[tokio::test]
async fn the_registered_email_in_any_case_also_signs_in() {
    let c = clinic().await;
    let (_, info) = c
        .login("  Dana.Patel@HARBORVIEW-clinic.example ", PASSWORD, WS)
        .await
        .unwrap();
    assert_eq!(info.staff_id, c.staff.vet.id);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_refused_in_the_same_words() {
    let c = clinic().await;
    let wrong = c.login("dpatel", "not the password", WS).await.unwrap_err();
    let unknown = c.login("nobody", PASSWORD, WS).await.unwrap_err();
    assert!(matches!(wrong, CoreError::InvalidCredentials));
    assert_eq!(wrong.to_string(), unknown.to_string());

    let events = c.events(AuditAction::Login);
    assert_eq!(c.outcomes(AuditAction::Login), [AuditOutcome::Refused; 2]);
    assert_eq!(events[0].subject_id, Some(c.staff.vet.id));
    assert_eq!(events[1].subject_id, None);
    assert!(events.iter().all(|e| e.actor_id.is_none()));
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_even_with_its_password() {
    let c = clinic().await;
    let err = c
        .sign_in_with_roster_password(&c.staff.disabled)
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::InvalidCredentials));
    let events = c.events(AuditAction::Login);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].outcome, AuditOutcome::Refused);
    assert_eq!(events[0].subject_id, Some(c.staff.disabled.id));
}

#[tokio::test]
async fn failures_past_the_burst_pause_the_username_but_not_others() {
    let c = clinic().await;
    for _ in 0..5 {
        let err = c.login("dpatel", "not the password", WS).await.unwrap_err();
        assert!(matches!(err, CoreError::InvalidCredentials), "{err:?}");
    }
    let sixth = c.login("dpatel", "not the password", WS).await.unwrap_err();
    let secs = sixth.retry_after_secs().expect("the sixth failure pauses");
    assert!(matches!(sixth, CoreError::Throttled { .. }));
    assert!((1..=60).contains(&secs), "{secs}");

    // While paused even the right password waits, and is not checked; the refusal is audited
    // as the account's limit, like the sixth failure.
    let paused = c.sign_in_with_roster_password(&c.staff.vet).await;
    assert!(matches!(paused, Err(CoreError::Throttled { .. })));
    let mut expected = vec![AuditOutcome::Refused; 5];
    expected.extend([AuditOutcome::RateLimitedAccount; 2]);
    assert_eq!(c.outcomes(AuditAction::Login), expected);

    c.sign_in_with_roster_password(&c.staff.receptionist)
        .await
        .unwrap();
}

#[tokio::test]
async fn empty_and_oversized_passwords_are_refused_before_any_lookup() {
    let c = clinic().await;
    for password in [String::new(), "x".repeat(600)] {
        let err = c.login("dpatel", &password, WS).await.unwrap_err();
        assert!(matches!(err, CoreError::InvalidCredentials));
    }
    let err = c.login("", PASSWORD, WS).await.unwrap_err();
    assert_eq!(err.field(), Some("username"));
    c.assert_nothing_written();
}

#[tokio::test]
async fn logout_ends_the_session_and_is_audited() {
    let c = clinic().await;
    let admin = &c.staff.admin;
    let session = c.sign_in_with_roster_password(admin).await.unwrap();
    c.logout(session, WS).await.unwrap();
    assert!(matches!(
        c.actor(Some(session), WS).await,
        Err(CoreError::NotSignedIn)
    ));
    assert!(matches!(
        c.actor(None, WS).await,
        Err(CoreError::NotSignedIn)
    ));
    let events = c.events(AuditAction::Logout);
    assert_eq!(events.len(), 1);
    assert_eq!(
        (events[0].actor_id, events[0].outcome),
        (Some(admin.id), AuditOutcome::Ok)
    );

    // Logging out an ended session again writes nothing more.
    c.logout(session, WS).await.unwrap();
    assert_eq!(c.events(AuditAction::Logout).len(), 1);
}
