//! The core's recovery flows over each backend, with a hand-moved clock.

use vetdesk_core::outbox::{EmailKind, EmailStatus};
use vetdesk_core::recovery::FORGOT_MESSAGE_NO_MAIL;
use vetdesk_core::session::Actor;
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{ForgotAnswer, ResetSecret, ResetSent, StaffRecord, StaffStatus};
use vetdesk_core::testing::{TestClinic, T0};
use vetdesk_core::time::{MINUTE, SECOND};
use vetdesk_core::token::Secrets;
use vetdesk_core::{CoreError, CoreResult};
use vetdesk_store::demo::DEMO_PASSWORD;

use crate::backends::{clinic, StoreFactory};
use crate::contract::{email_count, live_codes};

const NEW_PASSWORD: &str = "lantern orbit pickle saxophone";

/// `username`, signed in at the front desk just now.
async fn staff(c: &TestClinic, username: &str) -> Actor {
    let record = c.store.find_staff_by_login(username).await.unwrap();
    c.at_desk(&record.unwrap()).await
}

/// Signs in at the front desk; answers the session id.
async fn login(c: &TestClinic, username: &str, password: &str) -> CoreResult<i64> {
    let (session, _) = c.recovery.login(username, password, "desk-1").await?;
    Ok(session)
}

/// `actor`'s Reset password click on `target`'s card.
async fn send_reset(c: &TestClinic, actor: &Actor, target: i64) -> CoreResult<ResetSent> {
    c.recovery.send_staff_reset(actor, target, "desk-1").await
}

/// A forgot-password request from the front desk.
async fn forgot(c: &TestClinic, identifier: &str) -> ForgotAnswer {
    c.recovery
        .forgot_password(identifier, "desk-1")
        .await
        .unwrap()
}

async fn reset_by_link(c: &TestClinic, link: &str, password: &str) -> CoreResult<()> {
    let secret = ResetSecret::Link {
        token: link.to_string(),
    };
    c.recovery
        .complete_reset(secret, password, password, "desk-1")
        .await
}

async fn reset_by_code(c: &TestClinic, username: &str, code: &str) -> CoreResult<()> {
    let secret = ResetSecret::Code {
        username: username.to_string(),
        code: code.to_string(),
    };
    c.recovery
        .complete_reset(secret, NEW_PASSWORD, NEW_PASSWORD, "desk-1")
        .await
}

/// An active account without an email address (the demo clinic has a few).
async fn emailless(c: &TestClinic) -> StaffRecord {
    c.store
        .list_staff("", 100)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.email.is_none() && s.status == StaffStatus::Active)
        .unwrap()
}

/// Live tokens of every account. Every token the flows issue carries a code, so this sees them all.
async fn live_tokens(c: &TestClinic) -> usize {
    let mut live = 0;
    for s in c.store.list_staff("", 1000).await.unwrap() {
        live += live_codes(c.store.as_ref(), s.id, c.now()).await.len();
    }
    live
}

/// The secrets of the newest reset email to `username`, as the dispatcher would open them.
async fn mailed_secrets(c: &TestClinic, username: &str) -> Secrets {
    let s = staff(c, username).await;
    let e = c
        .store
        .latest_email_for_staff(s.id, &[EmailKind::StaffReset])
        .await
        .unwrap()
        .expect("a reset email was queued");
    c.sealer.open(e.sealed.as_deref().unwrap()).unwrap()
}

pub async fn forgot_password_answers_the_same_for_known_unknown_and_emailless_accounts<
    F: StoreFactory,
>() {
    let (c, _guard) = clinic::<F>().await;
    let known = forgot(&c, "dpatel").await;
    let by_email = forgot(&c, "RNAKAMURA@harborview-clinic.example").await;
    let unknown = forgot(&c, "nobody").await;
    let no_email = forgot(&c, &emailless(&c).await.username).await;
    // The demo settings send mail to the preview outbox.
    for answer in [&known, &by_email, &unknown, &no_email] {
        assert_eq!(answer.message, FORGOT_MESSAGE_NO_MAIL);
    }
    assert_eq!(email_count(c.store.as_ref()).await, 2);
    let audit = c.store.list_audit("forgot_password", 50).await.unwrap();
    assert!(audit.iter().any(|a| a.outcome == "no_matching_account"));
    assert!(audit.iter().any(|a| a.outcome == "no_email_on_file"));
    assert_eq!(c.wakes(), 2);
}

pub async fn forgot_password_is_rate_limited_per_account_and_per_recipient<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    forgot(&c, "dpatel").await;
    // Within 60 s: same answer, no second email.
    forgot(&c, "dpatel").await;
    assert_eq!(email_count(c.store.as_ref()).await, 1);
    c.clock.advance(61 * SECOND);
    forgot(&c, "dpatel").await;
    assert_eq!(email_count(c.store.as_ref()).await, 2);
    c.clock.advance(61 * SECOND);
    // Third request for the account inside the burst window is refused by the account limit.
    forgot(&c, "dpatel").await;
    c.clock.advance(61 * SECOND);
    forgot(&c, "dpatel").await;
    assert_eq!(email_count(c.store.as_ref()).await, 2);
    let audit = c.store.list_audit("rate_limited", 50).await.unwrap();
    assert!(!audit.is_empty());
}

pub async fn a_link_is_consumed_only_by_the_submit_that_sets_the_password<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    forgot(&c, "dpatel").await;
    let secrets = mailed_secrets(&c, "dpatel").await;
    let link = secrets.link.clone().unwrap();
    // Opening the link (a mail scanner, or the person twice) does not use it up.
    for _ in 0..3 {
        let target = c.recovery.check_link(&link).await.unwrap();
        assert_eq!(target.display_name, "Dana Patel");
        assert_eq!(target.expires_at, T0 + 30 * MINUTE);
    }
    // A weak password is refused and leaves the link usable.
    let weak = reset_by_link(&c, &link, "password").await.unwrap_err();
    assert!(matches!(weak, CoreError::WeakPassword(_)));
    let session = login(&c, "dpatel", DEMO_PASSWORD).await.unwrap();
    reset_by_link(&c, &link, NEW_PASSWORD).await.unwrap();
    // Replayed: refused with the one message.
    let replay = reset_by_link(&c, &link, NEW_PASSWORD).await.unwrap_err();
    assert!(matches!(replay, CoreError::TokenInvalid));
    assert!(matches!(
        c.recovery.check_link(&link).await,
        Err(CoreError::TokenInvalid)
    ));
    // Every session ended; old password refused; new one works; a notice was queued.
    assert!(matches!(
        c.recovery.actor(Some(session), "desk-1").await,
        Err(CoreError::NotSignedIn)
    ));
    assert!(matches!(
        login(&c, "dpatel", DEMO_PASSWORD).await,
        Err(CoreError::InvalidCredentials)
    ));
    login(&c, "dpatel", NEW_PASSWORD).await.unwrap();
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

pub async fn links_expire_after_the_self_service_lifetime<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    forgot(&c, "dpatel").await;
    let link = mailed_secrets(&c, "dpatel").await.link.unwrap();
    c.clock.advance(30 * MINUTE);
    let err = reset_by_link(&c, &link, NEW_PASSWORD).await.unwrap_err();
    assert!(matches!(err, CoreError::TokenInvalid));
    // The queued email whose token expired is marked expired when the dispatcher claims it.
    let claimed = crate::contract::claim(c.store.as_ref(), c.now()).await;
    assert_eq!(claimed[0].token_live, Some(false));
}

pub async fn a_code_works_with_the_username_and_the_sixth_wrong_code_is_refused<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    let admin = staff(&c, "admin").await;
    let code = c
        .recovery
        .issue_one_time_code(&admin, staff(&c, "jokafor").await.id, "desk-1")
        .await
        .unwrap();
    assert_eq!(code.expires_at, T0 + 15 * MINUTE);
    // Someone else's username with this code: refused.
    let other = reset_by_code(&c, "dpatel", &code.code).await.unwrap_err();
    assert!(matches!(other, CoreError::TokenInvalid));
    for _ in 0..5 {
        let wrong = reset_by_code(&c, "jokafor", "00000-00000")
            .await
            .unwrap_err();
        assert!(matches!(wrong, CoreError::TokenInvalid));
    }
    // After five wrong codes the right one no longer works.
    let sixth = reset_by_code(&c, "jokafor", &code.code.to_lowercase())
        .await
        .unwrap_err();
    assert!(matches!(sixth, CoreError::TokenInvalid));

    let fresh = c
        .recovery
        .issue_one_time_code(&admin, staff(&c, "jokafor").await.id, "desk-1")
        .await
        .unwrap();
    reset_by_code(&c, "JOKAFOR", &fresh.code.to_lowercase())
        .await
        .unwrap();
    login(&c, "jokafor", NEW_PASSWORD).await.unwrap();
}

pub async fn roles_are_enforced_in_the_core<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    let manager = staff(&c, "mreyes").await;
    let admin = staff(&c, "admin").await;
    let vet = staff(&c, "dpatel").await;
    let err = send_reset(&c, &manager, admin.id).await.unwrap_err();
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
            .save_settings(&manager, Settings::demo(), None, "desk-1")
            .await,
        Err(CoreError::Forbidden(_))
    ));
    let card = c.recovery.staff_card(&manager, admin.id).await.unwrap();
    assert!(!card.can_reset);
    // Nothing was written by the refused attempts.
    assert_eq!(email_count(c.store.as_ref()).await, 0);
    assert_eq!(live_tokens(&c).await, 0);
    let sent = send_reset(&c, &manager, vet.id).await.unwrap();
    // The demo settings send to the preview outbox, and the words say so.
    assert!(
        sent.message.starts_with(
            "Email is not set up, so the reset email for d•••@harborview-clinic.example was \
             written to the preview outbox and not sent."
        ),
        "{}",
        sent.message
    );
}

pub async fn resend_waits_sixty_seconds_and_says_how_long<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    let admin = staff(&c, "admin").await;
    let vet = staff(&c, "dpatel").await;
    let sent = send_reset(&c, &admin, vet.id).await.unwrap();
    assert_eq!(sent.resend_available_at, T0 + 60 * SECOND);
    c.clock.advance(20 * SECOND);
    match send_reset(&c, &admin, vet.id).await {
        Err(CoreError::ResendTooSoon { retry_after_secs }) => assert_eq!(retry_after_secs, 40),
        other => panic!("{other:?}"),
    }
    let card = c.recovery.staff_card(&admin, vet.id).await.unwrap();
    assert_eq!(card.resend_available_at, Some(T0 + 60 * SECOND));
    assert_eq!(card.last_reset.unwrap().status, EmailStatus::Queued);
    c.clock.advance(40 * SECOND);
    send_reset(&c, &admin, vet.id).await.unwrap();
    // The second link revoked the first: the first email will not be sent.
    let claimed = crate::contract::claim(c.store.as_ref(), c.now()).await;
    let live: Vec<_> = claimed.iter().map(|e| e.token_live).collect();
    assert_eq!(live, vec![Some(false), Some(true)]);
}

pub async fn staff_without_email_get_an_explanation_and_can_be_given_one<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    let admin = staff(&c, "admin").await;
    let target = emailless(&c).await;
    let err = send_reset(&c, &admin, target.id).await.unwrap_err();
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
            Err(CoreError::InvalidInput { .. })
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
    send_reset(&c, &admin, target.id).await.unwrap();
}

pub async fn login_is_throttled_after_repeated_failures<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
    for _ in 0..5 {
        assert!(matches!(
            login(&c, "dpatel", "wrong password").await,
            Err(CoreError::InvalidCredentials)
        ));
    }
    assert!(matches!(
        login(&c, "dpatel", "wrong password").await,
        Err(CoreError::Throttled { .. })
    ));
    // Even the right password waits while paused.
    assert!(matches!(
        login(&c, "dpatel", DEMO_PASSWORD).await,
        Err(CoreError::Throttled { .. })
    ));
    login(&c, "rnakamura", DEMO_PASSWORD).await.unwrap();
}

pub async fn unknown_ids_and_bad_tokens_get_clear_errors<F: StoreFactory>() {
    let (c, _guard) = clinic::<F>().await;
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
