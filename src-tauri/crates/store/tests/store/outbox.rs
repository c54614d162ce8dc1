//! What every store promises the outbox dispatcher and the email screens, whatever the backend.

use vetdesk_core::outbox::{DeliveredVia, EmailKind, EmailStatus};
use vetdesk_core::testing::T0;
use vetdesk_core::token::Purpose;

use crate::backends::{seeded, StoreFactory};
use crate::contract::{audit, claim, email, issue_admin_reset, never_claimed_again, token};

pub async fn a_failed_email_waits_for_its_retry_and_a_final_failure_drops_its_secrets<
    F: StoreFactory,
>() {
    let (store, _guard) = seeded::<F>().await;
    let id = issue_admin_reset(store.as_ref()).await.email_id.unwrap();
    assert_eq!(store.next_email_due().await.unwrap(), Some(T0));
    assert_eq!(claim(store.as_ref(), T0).await.len(), 1);
    assert_eq!(store.next_email_due().await.unwrap(), Some(T0 + 1_000));
    store
        .mark_email_failed(id, "timed out", Some(T0 + 5_000), &audit(T0))
        .await
        .unwrap();
    assert_eq!(store.next_email_due().await.unwrap(), Some(T0 + 5_000));
    assert!(claim(store.as_ref(), T0 + 4_999).await.is_empty());
    let retry = claim(store.as_ref(), T0 + 5_000).await;
    assert_eq!(retry[0].attempts, 1);
    assert_eq!(retry[0].last_error.as_deref(), Some("timed out"));
    assert!(retry[0].sealed.is_some(), "a retry still needs its secrets");
    store
        .mark_email_failed(id, "refused", None, &audit(T0))
        .await
        .unwrap();
    let row = &store.list_emails("", 10).await.unwrap()[0];
    assert_eq!((row.status, row.attempts), (EmailStatus::Failed, 2));
    assert_eq!(
        row.sealed, None,
        "secrets are dropped once the failure is final"
    );
    assert_eq!(store.next_email_due().await.unwrap(), None);
    never_claimed_again(store.as_ref()).await;
}

pub async fn an_expired_email_drops_its_secrets_and_is_never_sent<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let id = issue_admin_reset(store.as_ref()).await.email_id.unwrap();
    claim(store.as_ref(), T0).await;
    store.mark_email_expired(id, &audit(T0)).await.unwrap();
    let row = &store.list_emails("", 10).await.unwrap()[0];
    assert_eq!(
        (row.status, row.sealed.as_ref()),
        (EmailStatus::Expired, None)
    );
    assert_eq!(store.next_email_due().await.unwrap(), None);
    never_claimed_again(store.as_ref()).await;
}

pub async fn the_latest_email_is_the_newest_of_the_kinds_asked_for<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let reset = store.enqueue_email(&email(2, T0), &audit(T0)).await;
    let reset = reset.unwrap();
    let mut notice = email(2, T0 + 1);
    notice.kind = EmailKind::PasswordChanged;
    let notice = store.enqueue_email(&notice, &audit(T0)).await.unwrap();
    let to = |kinds: &'static [EmailKind]| store.latest_email_to("ann@clinic.example", kinds);
    let newest_reset = to(&[EmailKind::StaffReset]).await.unwrap().unwrap();
    assert_eq!((newest_reset.id, newest_reset.token_live), (reset, None));
    let newest = to(&[EmailKind::StaffReset, EmailKind::PasswordChanged]).await;
    assert_eq!(newest.unwrap().unwrap().id, notice);
    let for_staff = store
        .latest_email_for_staff(2, &[EmailKind::PasswordChanged])
        .await;
    assert_eq!(for_staff.unwrap().unwrap().id, notice);
    assert!(store
        .latest_email_to("nobody@clinic.example", &[EmailKind::StaffReset])
        .await
        .unwrap()
        .is_none());
    assert!(store
        .latest_email_for_staff(3, &[EmailKind::StaffReset])
        .await
        .unwrap()
        .is_none());
}

pub async fn email_and_activity_searches_match_their_text_newest_first<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let mut queued = Vec::new();
    for _ in 0..2 {
        queued.push(
            store
                .enqueue_email(&email(2, T0), &audit(T0))
                .await
                .unwrap(),
        );
    }
    queued.reverse();
    let listed = store.list_emails("", 10).await.unwrap();
    assert_eq!(listed.iter().map(|e| e.id).collect::<Vec<_>>(), queued);
    assert_eq!(store.list_emails("", 1).await.unwrap().len(), 1);
    for query in ["ann@", "queued", "staff_reset", "reset"] {
        assert_eq!(
            store.list_emails(query, 10).await.unwrap().len(),
            2,
            "{query}"
        );
    }
    assert!(store.list_emails("%", 10).await.unwrap().is_empty());
    store
        .append_audit(&audit(T0).actor(1).subject(3))
        .await
        .unwrap();
    for query in ["avery", "dana", "admin_reset", "desk-1"] {
        let rows = store.list_audit(query, 10).await.unwrap();
        let row = rows.iter().find(|r| r.actor.is_some()).expect(query);
        assert_eq!(row.actor.as_deref(), Some("Avery Collins"));
        assert_eq!(row.subject.as_deref(), Some("Dana Patel"));
    }
    let setup = store.list_audit("demo_clinic_created", 10).await.unwrap();
    assert_eq!(setup[0].workstation, "setup");
}

pub async fn a_preview_written_email_says_so_and_dead_tokens_are_found<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let first = issue_admin_reset(store.as_ref()).await.email_id.unwrap();
    let tokenless = store
        .enqueue_email(&email(2, T0), &audit(T0))
        .await
        .unwrap();
    let asked = [first, tokenless, 987_654];
    let dead = |now| store.emails_with_dead_tokens(&asked, now);
    assert!(dead(T0).await.unwrap().is_empty(), "all live");
    // The token lives a minute: expired, it is dead.
    assert_eq!(dead(T0 + 60_000).await.unwrap(), vec![first]);

    let resend = email(2, T0 + 1);
    let second = store
        .issue_token(&token(2, Purpose::AdminReset, 2), Some(&resend), &audit(T0))
        .await
        .unwrap()
        .email_id
        .unwrap();
    // Replaced by a newer reset, the first token is dead at once; the new one is not.
    let both = [first, second];
    let now_dead = store.emails_with_dead_tokens(&both, T0 + 2).await;
    assert_eq!(now_dead.unwrap(), vec![first]);

    claim(store.as_ref(), T0 + 2).await;
    store
        .mark_email_sent(second, T0 + 3, "<id@x>", DeliveredVia::Preview, &audit(T0))
        .await
        .unwrap();
    let rows = store.list_emails("", 10).await.unwrap();
    let row = rows.iter().find(|r| r.id == second).unwrap();
    assert_eq!(
        (row.status, row.delivered_via),
        (EmailStatus::Sent, Some(DeliveredVia::Preview))
    );
    let unsent = rows.iter().find(|r| r.id == tokenless).unwrap();
    assert_eq!(unsent.delivered_via, None);
}
