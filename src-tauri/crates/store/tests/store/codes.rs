//! What every store promises typed codes and email changes: attempts reserved before any
//! comparison, spent codes burned, and an email change that revokes everything at once.

use vetdesk_core::limits::{Limit, LimitConfig};
use vetdesk_core::outbox::{DeliveredVia, EmailKind, EmailStatus, NewEmail};
use vetdesk_core::ports::Store;
use vetdesk_core::staff::ResetSecret;
use vetdesk_core::testing::{ClinicBuilder, T0};
use vetdesk_core::token::{NewToken, Purpose};
use vetdesk_core::CoreError;

use crate::backends::{seeded, StoreFactory};
use crate::contract::{audit, claim, email, issue, issue_admin_reset, live_codes, token};

/// A one-time code for staff member 2: a code, no link.
async fn issue_code_only(store: &dyn Store, n: u8) -> i64 {
    let code = NewToken {
        link_digest: None,
        ..token(2, Purpose::OneTimeCode, n)
    };
    let issued = store.issue_token(&code, None, &audit(T0)).await.unwrap();
    issued.token_id
}

pub async fn code_attempts_are_reserved_up_to_the_limit<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let reset = issue(store.as_ref(), 2, Purpose::AdminReset, 1)
        .await
        .token_id;
    issue_code_only(store.as_ref(), 2).await;
    let reserve = || store.reserve_code_attempt(2, 5, T0 + 1);
    for n in 1..=5 {
        let reserved = reserve().await.unwrap();
        assert_eq!(reserved.len(), 2);
        assert!(reserved.iter().all(|t| t.failed_attempts == n));
    }
    assert!(reserve().await.unwrap().is_empty(), "no sixth attempt");
    store.release_code_attempt(&[reset]).await.unwrap();
    let again = reserve().await.unwrap();
    assert_eq!(again.iter().map(|t| t.id).collect::<Vec<_>>(), [reset]);
    let late = store.reserve_code_attempt(2, 5, T0 + 60_000).await.unwrap();
    assert!(late.is_empty(), "expired codes take no attempts");
}

pub async fn a_spent_code_is_burned_but_a_link_beside_it_lives<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let reset = issue(store.as_ref(), 2, Purpose::AdminReset, 1)
        .await
        .token_id;
    issue_code_only(store.as_ref(), 2).await;
    let events = store.list_audit("", 1_000).await.unwrap().len();
    for n in 1..=5 {
        let reserved = store.reserve_code_attempt(2, 5, T0 + n).await.unwrap();
        let ids: Vec<i64> = reserved.iter().map(|t| t.id).collect();
        store
            .record_wrong_code(&ids, 5, T0 + n, &audit(T0 + n))
            .await
            .unwrap();
        let live = live_codes(store.as_ref(), 2, T0 + n).await.len();
        assert_eq!(live, if n < 5 { 2 } else { 0 }, "after {n} wrong codes");
    }
    assert_eq!(store.list_audit("", 1_000).await.unwrap().len(), events + 5);
    let link = token(2, Purpose::AdminReset, 1).link_digest.unwrap();
    let burned = store.find_token_by_link(&link).await.unwrap().unwrap();
    assert_eq!(burned.id, reset);
    assert_eq!(burned.code_digest, None, "the code is burned");
    assert!(burned.is_live(T0 + 6), "the link lives");
    // The code-only token was revoked whole (both its digests cannot be empty), not burned.
    let rest = store
        .reserve_code_attempt(2, u32::MAX, T0 + 6)
        .await
        .unwrap();
    assert!(rest.is_empty(), "{rest:?}");
}

pub async fn a_notice_issued_with_a_token_is_not_tied_to_it<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let notice = NewEmail {
        kind: EmailKind::CodeIssued,
        sealed: None,
        ..email(2, T0)
    };
    let code = NewToken {
        link_digest: None,
        ..token(2, Purpose::OneTimeCode, 1)
    };
    let issued = store.issue_token(&code, Some(&notice), &audit(T0)).await;
    let email_id = issued.unwrap().email_id.unwrap();
    let rows = store.list_emails("", 10).await.unwrap();
    let row = rows.iter().find(|r| r.id == email_id).unwrap();
    assert_eq!((row.kind, row.token_id), (EmailKind::CodeIssued, None));
}

pub async fn an_email_change_revokes_the_accounts_tokens_and_unsent_resets_at_once<
    F: StoreFactory,
>() {
    let (store, _guard) = seeded::<F>().await;
    let sent = issue_admin_reset(store.as_ref()).await.email_id.unwrap();
    let retry = email(2, T0);
    let self_reset = token(2, Purpose::SelfReset, 2);
    let issued = store
        .issue_token(&self_reset, Some(&retry), &audit(T0))
        .await;
    let failed = issued.unwrap().email_id.unwrap();
    claim(store.as_ref(), T0).await;
    let via = DeliveredVia::Smtp;
    store
        .mark_email_sent(sent, T0, "<id@x>", via, &audit(T0))
        .await
        .unwrap();
    let retry_at = Some(T0 + 5_000);
    store
        .mark_email_failed(failed, "down", retry_at, &audit(T0))
        .await
        .unwrap();
    issue(store.as_ref(), 3, Purpose::SelfReset, 3).await;

    let notice = NewEmail {
        kind: EmailKind::EmailChanged,
        sealed: None,
        ..email(2, T0 + 2)
    };
    store
        .update_staff_email(
            2,
            "new@clinic.example",
            Some(&notice),
            T0 + 2,
            &audit(T0 + 2),
        )
        .await
        .unwrap();
    assert!(live_codes(store.as_ref(), 2, T0 + 3).await.is_empty());
    assert_eq!(
        live_codes(store.as_ref(), 3, T0 + 3).await.len(),
        1,
        "others keep theirs"
    );
    let rows = store.list_emails("", 10).await.unwrap();
    let row = |id: i64| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(
        (row(failed).status, row(failed).sealed.as_ref()),
        (EmailStatus::Expired, None)
    );
    assert_eq!(row(sent).status, EmailStatus::Sent);
    let due = claim(store.as_ref(), T0 + 10_000).await;
    assert_eq!(due.len(), 1, "only the notice goes out");
    assert_eq!(
        (due[0].kind, due[0].token_id),
        (EmailKind::EmailChanged, None)
    );
}

pub async fn parallel_code_guesses_never_count_more_than_five_attempts<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    // Limits wide enough that every guess reaches the code itself.
    let wide = Limit::per(1_000, 60_000);
    let limits = LimitConfig {
        code_per_account: wide,
        code_per_workstation: wide,
        ..LimitConfig::default()
    };
    let c = ClinicBuilder::new(store.clone()).limits(limits).build();
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();
    let admin = c.at_desk(&admin).await;
    let target = store
        .find_staff_by_login("rnakamura")
        .await
        .unwrap()
        .unwrap();
    let issued = c.recovery.issue_one_time_code(&admin, target.id, "desk-1");
    let right = issued.await.unwrap().code;
    let guess = |typed: String| ResetSecret::Code {
        username: "rnakamura".into(),
        code: typed,
    };
    let new = "lantern orbit pickle saxophone";
    let guesses: Vec<_> = (0..24)
        .map(|n| {
            let (recovery, secret) = (c.recovery.clone(), guess(format!("{n:05}-{n:05}")));
            tokio::spawn(async move { recovery.complete_reset(secret, new, new, "desk-1").await })
        })
        .collect();
    for result in guesses {
        assert!(matches!(
            result.await.unwrap(),
            Err(CoreError::TokenInvalid)
        ));
    }
    let counted = store.list_audit("wrong_code", 100).await.unwrap();
    assert_eq!(
        counted.len(),
        5,
        "one attempt counted per wrong code, five at most"
    );
    let late = c.recovery.complete_reset(guess(right), new, new, "desk-1");
    assert!(matches!(late.await, Err(CoreError::TokenInvalid)));
}
