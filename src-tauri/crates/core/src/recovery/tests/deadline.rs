//! Forgot-password and code entry answer at the deadline, never earlier or later, with the same
//! words, whatever the database does. Tokio's clock is paused: elapsed times are exact.

use tokio::time::Instant;

use crate::deadline::ANSWER_AFTER;
use crate::error::{CoreError, StoreError};
use crate::staff::ResetSecret;

use super::{clinic, code, Clinic, NEW_PASSWORD, WS};

/// Asks as the Forgot password screen does; answers the words and how long they took.
async fn forgot(c: &Clinic, identifier: &str) -> (String, std::time::Duration) {
    let start = Instant::now();
    let answer = c.t.recovery.answer_forgot_password(identifier, WS).await;
    (answer.unwrap().message, start.elapsed())
}

/// Types a code as the Set new password screen does; answers the outcome and how long it took.
async fn type_code(
    c: &Clinic,
    secret: ResetSecret,
) -> (Result<(), CoreError>, std::time::Duration) {
    let start = Instant::now();
    let recovery = &c.t.recovery;
    let result = recovery
        .answer_complete_reset(secret, NEW_PASSWORD, NEW_PASSWORD, WS)
        .await;
    (result, start.elapsed())
}

#[tokio::test(start_paused = true)]
async fn forgot_password_answers_at_the_deadline_for_anyone() {
    let c = clinic().await;
    let (known, known_after) = forgot(&c, "dpatel").await;
    let (unknown, unknown_after) = forgot(&c, "nobody").await;
    assert_eq!(known, unknown);
    assert_eq!((known_after, unknown_after), (ANSWER_AFTER, ANSWER_AFTER));
    assert_eq!(c.emails().len(), 1, "the work was done");
    let start = Instant::now();
    let bad = c.t.recovery.answer_forgot_password(" ", WS).await;
    assert_eq!(bad.unwrap_err().field(), Some("identifier"));
    assert_eq!(start.elapsed(), ANSWER_AFTER);
}

#[tokio::test(start_paused = true)]
async fn a_locked_database_changes_neither_the_words_nor_the_time() {
    let c = clinic().await;
    let (expected, _) = forgot(&c, "nobody").await;
    c.db.hold_limits(true);
    for who in ["dpatel", "nobody"] {
        let (words, after) = forgot(&c, who).await;
        assert_eq!((words.as_str(), after), (expected.as_str(), ANSWER_AFTER));
    }
    assert!(c.emails().is_empty());
    // Code entry: one answer for every name, at the deadline.
    let right = c
        .issue_one_time_code(
            &c.at_desk(&c.staff.admin).await,
            c.staff.receptionist.id,
            WS,
        )
        .await
        .unwrap()
        .code;
    for secret in [code("rnakamura", &right), code("nobody", "00000-00000")] {
        let (result, after) = type_code(&c, secret).await;
        assert!(matches!(result, Err(CoreError::Store(StoreError::Busy))));
        assert_eq!(after, ANSWER_AFTER);
    }
    c.db.hold_limits(false);
    assert!(c.tokens()[0].is_live(c.now()), "nothing was used up");
}

#[tokio::test(start_paused = true)]
async fn code_entry_answers_at_the_deadline_right_or_wrong() {
    let c = clinic().await;
    let s = &c.staff;
    let right = c
        .issue_one_time_code(&c.at_desk(&s.admin).await, s.receptionist.id, WS)
        .await;
    let right = right.unwrap().code;
    for secret in [
        code("rnakamura", "00000-00000"),
        code("nobody", "00000-00000"),
        code("dpatel", "00000-00000"),
    ] {
        let (result, after) = type_code(&c, secret).await;
        assert!(matches!(result, Err(CoreError::TokenInvalid)));
        assert_eq!(after, ANSWER_AFTER);
    }
    let (result, after) = type_code(&c, code("rnakamura", &right)).await;
    result.unwrap();
    assert!(after >= ANSWER_AFTER);
}
