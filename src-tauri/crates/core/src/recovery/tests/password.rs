//! Changing one's own password while signed in.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::CoreError;
use crate::outbox::EmailKind;
use crate::testing::roster::PASSWORD;
use crate::time::MINUTE;

use super::{clinic, Clinic, NEW_PASSWORD, WS};

const OTHER_DESK: &str = "desk-2";

/// Signs the vet in at two desks; answers (this desk's session, the other's).
async fn two_sessions(c: &Clinic) -> (i64, i64) {
    let here = c.sign_in_with_roster_password(&c.staff.vet).await.unwrap();
    let (there, _) = c.login("dpatel", PASSWORD, OTHER_DESK).await.unwrap();
    (here, there)
}

async fn change(c: &Clinic, session: i64, current: &str, new: &str) -> Result<(), CoreError> {
    let actor = c.actor(Some(session), WS).await.unwrap();
    c.change_password(&actor, current, new, new, WS).await
}

#[tokio::test]
async fn a_wrong_current_password_is_refused_under_its_field_counted_and_audited() {
    let c = clinic().await;
    let (here, _) = two_sessions(&c).await;
    let err = change(&c, here, "not the password", NEW_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("current"));
    assert_eq!(err.to_string(), crate::recovery::WRONG_CURRENT);
    let events = c.events(AuditAction::PasswordChanged);
    assert_eq!(
        c.outcomes(AuditAction::PasswordChanged),
        [AuditOutcome::Refused]
    );
    assert_eq!(events[0].subject_id, Some(c.staff.vet.id));
    c.sign_in_with_roster_password(&c.staff.vet).await.unwrap();

    // Four more wrong ones use up the account's sign-in limit, here and at every desk.
    for _ in 0..4 {
        change(&c, here, "not the password", NEW_PASSWORD)
            .await
            .unwrap_err();
    }
    let err = change(&c, here, PASSWORD, NEW_PASSWORD).await.unwrap_err();
    assert!(matches!(err, CoreError::Throttled { .. }), "{err:?}");
    let err = c.sign_in_with_roster_password(&c.staff.vet).await;
    assert!(matches!(err, Err(CoreError::Throttled { .. })), "{err:?}");
    let outcomes = c.outcomes(AuditAction::PasswordChanged);
    assert_eq!(outcomes.last(), Some(&AuditOutcome::RateLimitedAccount));
    c.advance(MINUTE);
    change(&c, here, PASSWORD, NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_weak_or_mismatched_new_password_is_refused_and_nothing_changes() {
    let c = clinic().await;
    let (here, there) = two_sessions(&c).await;
    let err = change(&c, here, PASSWORD, "short").await.unwrap_err();
    assert!(matches!(err, CoreError::WeakPassword(_)), "{err:?}");
    assert_eq!(err.field(), Some("password"));
    let err = change(&c, here, PASSWORD, "dpatel harborview 2291")
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("password"), "{err:?}");
    let actor = c.actor(Some(here), WS).await.unwrap();
    let err = c
        .change_password(&actor, PASSWORD, NEW_PASSWORD, "something else", WS)
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("confirm"));

    assert!(c.events(AuditAction::PasswordChanged).is_empty());
    assert!(c.emails().is_empty());
    c.actor(Some(there), WS).await.unwrap();
    c.sign_in_with_roster_password(&c.staff.vet).await.unwrap();
}

#[tokio::test]
async fn a_change_ends_other_sessions_revokes_tokens_and_sends_a_notice() {
    let c = clinic().await;
    let (here, there) = two_sessions(&c).await;
    let other = c
        .sign_in_with_roster_password(&c.staff.admin)
        .await
        .unwrap();
    c.forgot_password("dpatel", WS).await.unwrap();
    let link = c.mailed_secrets(&c.staff.vet).link.unwrap();

    change(&c, here, PASSWORD, NEW_PASSWORD).await.unwrap();

    assert_eq!(c.actor(Some(here), WS).await.unwrap().id, c.staff.vet.id);
    assert!(matches!(
        c.actor(Some(there), WS).await,
        Err(CoreError::NotSignedIn)
    ));
    c.actor(Some(other), WS).await.unwrap();
    assert!(c
        .tokens()
        .iter()
        .all(|t| t.revoked_at.is_some() || t.used_at.is_some()));
    assert!(matches!(
        c.check_link(&link).await,
        Err(CoreError::TokenInvalid)
    ));
    let notice = c.emails().into_iter().last().unwrap().record;
    assert_eq!(notice.kind, EmailKind::PasswordChanged);
    assert_eq!(notice.staff_id, Some(c.staff.vet.id));

    let err = c.sign_in(&c.staff.vet, PASSWORD).await.unwrap_err();
    assert!(matches!(err, CoreError::InvalidCredentials));
    c.sign_in(&c.staff.vet, NEW_PASSWORD).await.unwrap();
    let event = c.events(AuditAction::PasswordChanged).pop().unwrap();
    assert_eq!(event.outcome, AuditOutcome::Ok);
    assert_eq!(
        (event.actor_id, event.subject_id),
        (Some(c.staff.vet.id), Some(c.staff.vet.id))
    );
}

#[tokio::test]
async fn an_account_without_email_changes_its_password_without_a_notice() {
    let c = clinic().await;
    let session = c
        .sign_in_with_roster_password(&c.staff.no_email)
        .await
        .unwrap();
    change(&c, session, PASSWORD, NEW_PASSWORD).await.unwrap();
    assert!(c.emails().is_empty());
    c.sign_in(&c.staff.no_email, NEW_PASSWORD).await.unwrap();
}
