//! Sign-in and code entry limits: per account whatever name was typed, per workstation for
//! everything, kept in the store so that they outlast the flows that counted them.

use crate::audit::{AuditAction, AuditOutcome};
use crate::error::CoreError;
use crate::testing::roster::PASSWORD;
use crate::testing::ClinicBuilder;
use crate::time::MINUTE;

use super::{clinic, code, Clinic, NEW_PASSWORD, WS};

const WRONG: &str = "not the password";

async fn wrong_sign_in(c: &Clinic, name: &str, ws: &str) -> CoreError {
    c.login(name, WRONG, ws).await.unwrap_err()
}

/// A code typed for `username` at `ws`, with a good new password.
async fn type_code(c: &Clinic, username: &str, typed: &str, ws: &str) -> CoreError {
    let secret = code(username, typed);
    let result = c
        .complete_reset(secret, NEW_PASSWORD, NEW_PASSWORD, ws)
        .await;
    result.unwrap_err()
}

#[tokio::test]
async fn sign_in_failures_count_against_the_account_whatever_name_was_typed() {
    let c = clinic().await;
    let names = [
        "dpatel",
        "DPatel",
        "dana.patel@harborview-clinic.example",
        " Dana.Patel@HARBORVIEW-clinic.example ",
        "dpatel",
    ];
    for (n, name) in names.iter().enumerate() {
        let desk = format!("desk-{n}");
        let err = wrong_sign_in(&c, name, &desk).await;
        assert!(matches!(err, CoreError::InvalidCredentials), "{name}");
    }
    // The account's limit holds at every desk, even for the right password.
    let err = c.login("dpatel", PASSWORD, "desk-9").await.unwrap_err();
    assert!(matches!(err, CoreError::Throttled { .. }), "{err:?}");
    c.advance(MINUTE);
    c.login("dpatel", PASSWORD, "desk-9").await.unwrap();
}

#[tokio::test]
async fn names_of_no_account_are_throttled_by_the_workstation() {
    let c = clinic().await;
    for i in 0..20 {
        let err = wrong_sign_in(&c, &format!("nobody{i}"), WS).await;
        assert!(matches!(err, CoreError::InvalidCredentials));
    }
    let err = c.login("dpatel", PASSWORD, WS).await.unwrap_err();
    assert!(matches!(err, CoreError::Throttled { .. }));
    let outcomes = c.outcomes(AuditAction::Login);
    assert_eq!(outcomes.last(), Some(&AuditOutcome::RateLimitedWorkstation));
    c.login("dpatel", PASSWORD, "desk-2").await.unwrap();
}

#[tokio::test]
async fn a_right_password_takes_its_attempt_back() {
    let c = clinic().await;
    for _ in 0..4 {
        wrong_sign_in(&c, "dpatel", WS).await;
    }
    for _ in 0..10 {
        c.sign_in_with_roster_password(&c.staff.vet).await.unwrap();
    }
    let fifth = wrong_sign_in(&c, "dpatel", WS).await;
    assert!(matches!(fifth, CoreError::InvalidCredentials));
    let sixth = wrong_sign_in(&c, "dpatel", WS).await;
    assert!(matches!(sixth, CoreError::Throttled { .. }));
}

#[tokio::test]
async fn code_entry_is_limited_per_workstation_for_every_name() {
    let c = clinic().await;
    for i in 0..20 {
        let err = type_code(&c, &format!("nobody{i}"), "00000-00000", WS).await;
        assert!(matches!(err, CoreError::TokenInvalid));
    }
    let err = type_code(&c, "rnakamura", "00000-00000", WS).await;
    assert!(matches!(err, CoreError::Throttled { .. }), "{err:?}");
    let elsewhere = type_code(&c, "rnakamura", "00000-00000", "desk-2").await;
    assert!(matches!(elsewhere, CoreError::TokenInvalid));
}

#[tokio::test]
async fn code_entry_per_account_answers_in_the_words_of_a_wrong_code() {
    let c = clinic().await;
    let s = &c.staff;
    for n in 0..10 {
        let err = type_code(&c, "dpatel", "00000-00000", &format!("desk-{n}")).await;
        assert!(matches!(err, CoreError::TokenInvalid));
    }
    let right = c
        .issue_one_time_code(&c.at_desk(&s.admin).await, s.vet.id, WS)
        .await
        .unwrap();
    let refused = type_code(&c, "dpatel", &right.code, "desk-10").await;
    assert_eq!(
        refused.to_string(),
        CoreError::TokenInvalid.to_string(),
        "an account's limit must not tell that the account exists"
    );
    let events = c.events(AuditAction::ResetCode);
    let last = events.last().unwrap();
    assert_eq!(
        (last.outcome, last.subject_id),
        (AuditOutcome::RateLimitedAccount, Some(s.vet.id))
    );
    assert!(
        c.tokens()[0].is_live(c.now()),
        "the code itself is untouched"
    );

    c.advance(15 * MINUTE);
    let fresh = c
        .issue_one_time_code(&c.at_desk(&s.admin).await, s.vet.id, WS)
        .await
        .unwrap();
    c.reset(code("dpatel", &fresh.code), NEW_PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn limits_outlast_the_flows_that_counted_them() {
    let c = clinic().await;
    for _ in 0..5 {
        wrong_sign_in(&c, "dpatel", WS).await;
    }
    // New flows over the same database, as after a restart of the app.
    let restarted = ClinicBuilder::new(c.db.clone()).start(c.now()).build();
    let err = restarted.recovery.login("dpatel", PASSWORD, WS).await;
    assert!(matches!(err, Err(CoreError::Throttled { .. })), "{err:?}");
}
