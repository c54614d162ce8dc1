//! Typed codes: a wrong one counts against the codes only, attempts are reserved before any
//! comparison, and digests are keyed with the clinic's pepper.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::error::CoreError;
use crate::limits::{Limit, LimitConfig};
use crate::ports::TokenStore;
use crate::testing::roster::Roster;
use crate::testing::{ClinicBuilder, MemoryStore, T0};
use crate::time::MINUTE;
use crate::token::{self, NewToken, Purpose, MAX_CODE_ATTEMPTS};

use super::{clinic, code, link, NEW_PASSWORD, WS};

const WRONG: &str = "00000-00000";

#[tokio::test]
async fn five_wrong_codes_burn_an_admin_resets_code_but_not_its_link() {
    let c = clinic().await;
    let s = &c.staff;
    c.send_staff_reset(&c.at_desk(&s.admin).await, s.vet.id, WS)
        .await
        .unwrap();
    let secrets = c.mailed_secrets(&s.vet);
    for _ in 0..MAX_CODE_ATTEMPTS {
        let err = c.reset(code("dpatel", WRONG), NEW_PASSWORD).await;
        assert!(matches!(err, Err(CoreError::TokenInvalid)));
    }
    let token = &c.tokens()[0];
    assert_eq!(token.code_digest, None, "the code is burned");
    assert!(token.is_live(c.now()), "the link is not");
    let typed = secrets.code.unwrap();
    let late = c.reset(code("dpatel", &typed), NEW_PASSWORD).await;
    assert!(matches!(late, Err(CoreError::TokenInvalid)));
    c.reset(link(&secrets.link.unwrap()), NEW_PASSWORD)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_right_code_costs_no_attempt() {
    let c = clinic().await;
    let s = &c.staff;
    let right = c
        .issue_one_time_code(&c.at_desk(&s.admin).await, s.receptionist.id, WS)
        .await;
    let right = right.unwrap().code;
    for _ in 0..2 * MAX_CODE_ATTEMPTS {
        let weak = c.reset(code("rnakamura", &right), "password").await;
        assert!(matches!(weak, Err(CoreError::WeakPassword(_))), "{weak:?}");
    }
    assert_eq!(c.tokens()[0].failed_attempts, 0);
    c.reset(code("rnakamura", &right), NEW_PASSWORD)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_count_no_more_than_five_attempts() {
    let db = std::sync::Arc::new(MemoryStore::new());
    let s = Roster::seed(db.as_ref(), T0).await.unwrap();
    // Limits wide enough that every guess reaches the code itself.
    let wide = Limit::per(1_000, MINUTE);
    let limits = LimitConfig {
        code_per_account: wide,
        code_per_workstation: wide,
        ..LimitConfig::default()
    };
    let c = ClinicBuilder::new(db.clone()).limits(limits).build();
    let admin = c.at_desk(&s.admin).await;
    let right = c
        .recovery
        .issue_one_time_code(&admin, s.receptionist.id, WS);
    let right = right.await.unwrap().code;
    let guesses: Vec<_> = (0..24)
        .map(|n| {
            let recovery = c.recovery.clone();
            let guess = format!("{n:05}-{n:05}");
            tokio::spawn(async move {
                let secret = code("rnakamura", &guess);
                recovery
                    .complete_reset(secret, NEW_PASSWORD, NEW_PASSWORD, WS)
                    .await
            })
        })
        .collect();
    for guess in guesses {
        assert!(matches!(guess.await.unwrap(), Err(CoreError::TokenInvalid)));
    }
    let tokens = db.tokens();
    assert_eq!(tokens[0].failed_attempts, MAX_CODE_ATTEMPTS);
    assert!(
        tokens[0].revoked_at.is_some(),
        "a code without a link is revoked"
    );
    let wrong: Vec<_> = db
        .audit_events()
        .into_iter()
        .filter(|e| e.action == AuditAction::ResetCode)
        .collect();
    assert!(wrong.iter().all(|e| e.outcome == AuditOutcome::WrongCode));
    assert_eq!(wrong.len(), MAX_CODE_ATTEMPTS as usize);
    let late = c
        .recovery
        .complete_reset(code("rnakamura", &right), NEW_PASSWORD, NEW_PASSWORD, WS);
    assert!(matches!(late.await, Err(CoreError::TokenInvalid)));
}

/// Codes issued before digests were keyed (a plain SHA-256) stop working: a new code is needed.
#[tokio::test]
async fn a_code_stored_with_an_unkeyed_digest_is_refused() {
    let c = clinic().await;
    let s = &c.staff;
    let typed = "ABCDE-FGHJK";
    let old = NewToken {
        staff_id: s.receptionist.id,
        purpose: Purpose::OneTimeCode,
        link_digest: None,
        code_digest: Some(token::digest(typed)),
        created_at: T0,
        expires_at: T0 + 15 * MINUTE,
    };
    let event = AuditEvent::new(T0, AuditAction::OneTimeCode, AuditOutcome::Issued, WS);
    c.db.issue_token(&old, None, &event).await.unwrap();
    let err = c.reset(code("rnakamura", typed), NEW_PASSWORD).await;
    assert!(matches!(err, Err(CoreError::TokenInvalid)));
}
