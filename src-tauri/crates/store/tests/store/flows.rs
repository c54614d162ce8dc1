//! The core's recovery flows with the real SQLite store and a hand-moved clock.

use vetdesk_core::outbox::{EmailKind, EmailStatus};
use vetdesk_core::ports::Store;
use vetdesk_core::recovery::FORGOT_MESSAGE;
use vetdesk_core::staff::{ResetSecret, StaffRecord};
use vetdesk_core::time::{MINUTE, SECOND};
use vetdesk_core::token::Secrets;
use vetdesk_core::CoreError;
use vetdesk_store::demo::DEMO_PASSWORD;
use vetdesk_store::sqlite::CountedTable;

use crate::{clinic, Clinic};

const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";

async fn staff(c: &Clinic, username: &str) -> StaffRecord {
    c.store
        .find_staff_by_login(username)
        .await
        .unwrap()
        .unwrap()
}

/// The secrets of the newest reset email to `username`, as the dispatcher would open them.
async fn mailed_secrets(c: &Clinic, username: &str) -> Secrets {
    let s = staff(c, username).await;
    let e = c
        .store
        .latest_email_for_staff(s.id, &[EmailKind::StaffReset])
        .await
        .unwrap()
        .expect("a reset email was queued");
    c.sealer.open(e.sealed.as_deref().unwrap()).unwrap()
}

#[tokio::test]
async fn forgot_password_answers_the_same_for_known_unknown_and_emailless_accounts() {
    let c = clinic().await;
    let known = c
        .recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    let by_email = c
        .recovery
        .forgot_password("RNAKAMURA@harborview-clinic.example", "desk-1")
        .await
        .unwrap();
    let unknown = c
        .recovery
        .forgot_password("nobody", "desk-1")
        .await
        .unwrap();
    let no_email = c
        .store
        .list_staff("", 100)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.email.is_none() && s.status == vetdesk_core::staff::StaffStatus::Active)
        .unwrap();
    let emailless = c
        .recovery
        .forgot_password(&no_email.username, "desk-1")
        .await
        .unwrap();
    for answer in [&known, &by_email, &unknown, &emailless] {
        assert_eq!(answer.message, FORGOT_MESSAGE);
    }
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), 2);
    let audit = c.store.list_audit("forgot_password", 50).await.unwrap();
    assert!(audit.iter().any(|a| a.outcome == "no_matching_account"));
    assert!(audit.iter().any(|a| a.outcome == "no_email_on_file"));
    assert_eq!(c.wakes(), 2);
}

#[tokio::test]
async fn forgot_password_is_rate_limited_per_account_and_per_recipient() {
    let c = clinic().await;
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    // Within 60 s: same answer, no second email.
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), 1);
    c.clock.advance(61 * SECOND);
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), 2);
    c.clock.advance(61 * SECOND);
    // Third request for the account inside the burst window is refused by the account limit.
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    c.clock.advance(61 * SECOND);
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), 2);
    let audit = c.store.list_audit("rate_limited", 50).await.unwrap();
    assert!(!audit.is_empty());
}

#[tokio::test]
async fn a_link_is_consumed_only_by_the_submit_that_sets_the_password() {
    let c = clinic().await;
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    let secrets = mailed_secrets(&c, "dpatel").await;
    let link = secrets.link.clone().unwrap();
    // Opening the link (a mail scanner, or the person twice) does not use it up.
    for _ in 0..3 {
        let target = c.recovery.check_link(&link).await.unwrap();
        assert_eq!(target.display_name, "Dana Patel");
        assert_eq!(target.expires_at, crate::T0 + 30 * MINUTE);
    }
    // A weak password is refused and leaves the link usable.
    let weak = c
        .recovery
        .complete_reset(
            ResetSecret::Link {
                token: link.clone(),
            },
            "password",
            "password",
            "desk-1",
        )
        .await
        .unwrap_err();
    assert!(matches!(weak, CoreError::WeakPassword(_)));
    let (session, _) = c
        .recovery
        .login("dpatel", DEMO_PASSWORD, "desk-1")
        .await
        .unwrap();
    c.recovery
        .complete_reset(
            ResetSecret::Link {
                token: link.clone(),
            },
            NEW_PASSWORD,
            NEW_PASSWORD,
            "desk-1",
        )
        .await
        .unwrap();
    // Replayed: refused with the one message.
    let replay = c
        .recovery
        .complete_reset(
            ResetSecret::Link {
                token: link.clone(),
            },
            NEW_PASSWORD,
            NEW_PASSWORD,
            "desk-1",
        )
        .await
        .unwrap_err();
    assert!(matches!(replay, CoreError::TokenInvalid));
    assert!(matches!(
        c.recovery.check_link(&link).await,
        Err(CoreError::TokenInvalid)
    ));
    // Every session ended; old password refused; new one works; a notice was queued.
    assert!(matches!(
        c.recovery.actor(Some(session)).await,
        Err(CoreError::NotSignedIn)
    ));
    assert!(matches!(
        c.recovery.login("dpatel", DEMO_PASSWORD, "desk-1").await,
        Err(CoreError::InvalidCredentials)
    ));
    c.recovery
        .login("dpatel", NEW_PASSWORD, "desk-1")
        .await
        .unwrap();
    let s = staff(&c, "dpatel").await;
    let notice = c
        .store
        .latest_email_for_staff(s.id, &[EmailKind::PasswordChanged])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(notice.status, EmailStatus::Queued);
    assert!(notice.sealed.is_none());
}

#[tokio::test]
async fn links_expire_after_the_self_service_lifetime() {
    let c = clinic().await;
    c.recovery
        .forgot_password("dpatel", "desk-1")
        .await
        .unwrap();
    let link = mailed_secrets(&c, "dpatel").await.link.unwrap();
    c.clock.advance(30 * MINUTE);
    let err = c
        .recovery
        .complete_reset(
            ResetSecret::Link { token: link },
            NEW_PASSWORD,
            NEW_PASSWORD,
            "desk-1",
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::TokenInvalid));
    // The queued email whose token expired is marked expired when the dispatcher claims it.
    let claimed = c
        .store
        .claim_due_emails(c.clock_now(), 1_000, 10)
        .await
        .unwrap();
    assert_eq!(claimed[0].token_live, Some(false));
}

#[tokio::test]
async fn a_code_works_with_the_username_and_the_sixth_wrong_code_is_refused() {
    let c = clinic().await;
    let admin = staff(&c, "admin").await;
    let code = c
        .recovery
        .issue_one_time_code(&admin, staff(&c, "jokafor").await.id, "desk-1")
        .await
        .unwrap();
    assert_eq!(code.expires_at, crate::T0 + 15 * MINUTE);
    // Someone else's username with this code: refused.
    let other = c
        .recovery
        .complete_reset(
            ResetSecret::Code {
                username: "dpatel".into(),
                code: code.code.clone(),
            },
            NEW_PASSWORD,
            NEW_PASSWORD,
            "desk-1",
        )
        .await
        .unwrap_err();
    assert!(matches!(other, CoreError::TokenInvalid));
    for _ in 0..5 {
        let wrong = c
            .recovery
            .complete_reset(
                ResetSecret::Code {
                    username: "jokafor".into(),
                    code: "00000-00000".into(),
                },
                NEW_PASSWORD,
                NEW_PASSWORD,
                "desk-1",
            )
            .await
            .unwrap_err();
        assert!(matches!(wrong, CoreError::TokenInvalid));
    }
    // After five wrong codes the right one no longer works.
    let sixth = c
        .recovery
        .complete_reset(
            ResetSecret::Code {
                username: "jokafor".into(),
                code: code.code.to_lowercase(),
            },
            NEW_PASSWORD,
            NEW_PASSWORD,
            "desk-1",
        )
        .await
        .unwrap_err();
    assert!(matches!(sixth, CoreError::TokenInvalid));

    let fresh = c
        .recovery
        .issue_one_time_code(&admin, staff(&c, "jokafor").await.id, "desk-1")
        .await
        .unwrap();
    c.recovery
        .complete_reset(
            ResetSecret::Code {
                username: "JOKAFOR".into(),
                code: fresh.code.to_lowercase(),
            },
            NEW_PASSWORD,
            NEW_PASSWORD,
            "desk-1",
        )
        .await
        .unwrap();
    c.recovery
        .login("jokafor", NEW_PASSWORD, "desk-1")
        .await
        .unwrap();
}

#[tokio::test]
async fn roles_are_enforced_in_the_core() {
    let c = clinic().await;
    let manager = staff(&c, "mreyes").await;
    let admin = staff(&c, "admin").await;
    let vet = staff(&c, "dpatel").await;
    let err = c
        .recovery
        .send_staff_reset(&manager, admin.id, "desk-1")
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::Forbidden(_)));
    assert!(matches!(
        c.recovery
            .issue_one_time_code(&manager, admin.id, "desk-1")
            .await,
        Err(CoreError::Forbidden(_))
    ));
    assert!(matches!(
        c.recovery
            .update_staff_email(&manager, admin.id, "takeover@evil.example", "desk-1")
            .await,
        Err(CoreError::Forbidden(_))
    ));
    assert!(matches!(
        c.recovery.list_staff(&vet, "").await,
        Err(CoreError::Forbidden(_))
    ));
    assert!(matches!(
        c.recovery
            .save_settings(&manager, vetdesk_core::settings::Settings::demo(), "desk-1")
            .await,
        Err(CoreError::Forbidden(_))
    ));
    let card = c.recovery.staff_card(&manager, admin.id).await.unwrap();
    assert!(!card.can_reset);
    // Nothing was written by the refused attempts.
    assert_eq!(c.store.count(CountedTable::Emails).await.unwrap(), 0);
    assert_eq!(c.store.count(CountedTable::Tokens).await.unwrap(), 0);
    let sent = c
        .recovery
        .send_staff_reset(&manager, vet.id, "desk-1")
        .await
        .unwrap();
    assert_eq!(
        sent.message,
        "Reset password link has been sent to d•••@harborview-clinic.example"
    );
}

#[tokio::test]
async fn resend_waits_sixty_seconds_and_says_how_long() {
    let c = clinic().await;
    let admin = staff(&c, "admin").await;
    let vet = staff(&c, "dpatel").await;
    let sent = c
        .recovery
        .send_staff_reset(&admin, vet.id, "desk-1")
        .await
        .unwrap();
    assert_eq!(sent.resend_available_at, crate::T0 + 60 * SECOND);
    c.clock.advance(20 * SECOND);
    match c.recovery.send_staff_reset(&admin, vet.id, "desk-1").await {
        Err(CoreError::ResendTooSoon { retry_after_secs }) => assert_eq!(retry_after_secs, 40),
        other => panic!("{other:?}"),
    }
    let card = c.recovery.staff_card(&admin, vet.id).await.unwrap();
    assert_eq!(card.resend_available_at, Some(crate::T0 + 60 * SECOND));
    assert_eq!(card.last_reset.unwrap().status, EmailStatus::Queued);
    c.clock.advance(40 * SECOND);
    c.recovery
        .send_staff_reset(&admin, vet.id, "desk-1")
        .await
        .unwrap();
    // The second link revoked the first: the first email will not be sent.
    let claimed = c
        .store
        .claim_due_emails(c.clock_now(), 1_000, 10)
        .await
        .unwrap();
    let live: Vec<_> = claimed.iter().map(|e| e.token_live).collect();
    assert_eq!(live, vec![Some(false), Some(true)]);
}

#[tokio::test]
async fn staff_without_email_get_an_explanation_and_can_be_given_one() {
    let c = clinic().await;
    let admin = staff(&c, "admin").await;
    let target = c
        .store
        .list_staff("", 100)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.email.is_none() && s.status == vetdesk_core::staff::StaffStatus::Active)
        .unwrap();
    let err = c
        .recovery
        .send_staff_reset(&admin, target.id, "desk-1")
        .await
        .unwrap_err();
    assert!(matches!(err, CoreError::NoEmail(_)));
    assert!(err.to_string().contains("no email address on file"));
    for bad in [
        "",
        "nodomain@",
        "a@b\r\nBcc: x@y.example",
        &"a".repeat(1_000_000),
    ] {
        assert!(matches!(
            c.recovery
                .update_staff_email(&admin, target.id, bad, "desk-1")
                .await,
            Err(CoreError::InvalidInput(_))
        ));
    }
    assert!(c
        .store
        .get_staff(target.id)
        .await
        .unwrap()
        .unwrap()
        .email
        .is_none());
    let card = c
        .recovery
        .update_staff_email(
            &admin,
            target.id,
            "new.person@harborview-clinic.example",
            "desk-1",
        )
        .await
        .unwrap();
    assert_eq!(
        card.staff.email.as_deref(),
        Some("new.person@harborview-clinic.example")
    );
    c.recovery
        .send_staff_reset(&admin, target.id, "desk-1")
        .await
        .unwrap();
}

#[tokio::test]
async fn login_is_throttled_after_repeated_failures() {
    let c = clinic().await;
    for _ in 0..5 {
        assert!(matches!(
            c.recovery.login("dpatel", "wrong password", "desk-1").await,
            Err(CoreError::InvalidCredentials)
        ));
    }
    assert!(matches!(
        c.recovery.login("dpatel", "wrong password", "desk-1").await,
        Err(CoreError::Throttled { .. })
    ));
    // Even the right password waits while paused.
    assert!(matches!(
        c.recovery.login("dpatel", DEMO_PASSWORD, "desk-1").await,
        Err(CoreError::Throttled { .. })
    ));
    c.recovery
        .login("rnakamura", DEMO_PASSWORD, "desk-1")
        .await
        .unwrap();
}

#[tokio::test]
async fn unknown_ids_and_bad_tokens_get_clear_errors() {
    let c = clinic().await;
    let admin = staff(&c, "admin").await;
    assert!(matches!(
        c.recovery.staff_card(&admin, 987_654).await,
        Err(CoreError::NotFound(_))
    ));
    for token in [
        "",
        "short",
        &"A".repeat(43),
        &"x".repeat(1_000_000),
        "'; drop table staff; --",
    ] {
        assert!(matches!(
            c.recovery.check_link(token).await,
            Err(CoreError::TokenInvalid)
        ));
    }
}
