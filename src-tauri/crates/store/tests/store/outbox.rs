//! What every store promises the outbox dispatcher and the email screens, whatever the backend.

use vetdesk_core::outbox::{Claimant, DeliveredVia, EmailKind, EmailStatus};
use vetdesk_core::ports::Store;
use vetdesk_core::testing::T0;
use vetdesk_core::token::Purpose;

use crate::backends::{seeded, StoreFactory};
use crate::contract::{
    audit, claim, claimant, email, issue_admin_reset, never_claimed_again, token,
};

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
    let tokenless = queued(store.as_ref()).await;
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

/// Claims the next due email for `by`, with a lease of a second.
/// A reset email to staff member 2, queued at `T0`; its id.
async fn queued(store: &dyn Store) -> i64 {
    store
        .enqueue_email(&email(2, T0), &audit(T0))
        .await
        .unwrap()
}

async fn claim_one(store: &dyn Store, now: i64, by: &Claimant) -> Vec<i64> {
    let claimed = store.claim_due_emails(now, 1_000, 1, by).await.unwrap();
    claimed.iter().map(|e| e.id).collect()
}

pub async fn a_restarted_workstation_takes_back_its_dead_claims_at_once<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    let mine = queued(store).await;
    let retried = queued(store).await;
    let theirs = queued(store).await;
    let dead = claimant();
    let other = Claimant::new("desk-2", "run-9");
    assert_eq!(claim_one(store, T0, &dead).await, vec![mine]);
    assert_eq!(claim_one(store, T0, &dead).await, vec![retried]);
    store
        .mark_email_failed(retried, "timed out", Some(T0), &audit(T0))
        .await
        .unwrap();
    assert_eq!(claim_one(store, T0, &dead).await, vec![retried]);
    assert_eq!(claim_one(store, T0, &other).await, vec![theirs]);

    // The same workstation, started again: its dead run's two claims are due at once.
    let restarted = Claimant::new("desk-1", "run-2");
    assert_eq!(store.release_dead_claims(&restarted).await.unwrap(), 2);
    let rows = store.list_emails("", 10).await.unwrap();
    let status = |id| rows.iter().find(|r| r.id == id).unwrap().status;
    assert_eq!(status(mine), EmailStatus::Queued);
    assert_eq!(status(retried), EmailStatus::Failed, "it had failed before");
    assert_eq!(status(theirs), EmailStatus::Sending);
    assert!(store.next_email_due().await.unwrap().unwrap() <= T0 + 10);
    let again = store
        .claim_due_emails(T0 + 10, 1_000, 10, &restarted)
        .await
        .unwrap();
    let mut ids: Vec<i64> = again.iter().map(|e| e.id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        vec![mine, retried],
        "the other workstation's claim stays"
    );
    assert_eq!(again.iter().map(|e| e.attempts).sum::<u32>(), 1);
    // Released once, nothing of the dead run is left to release.
    assert_eq!(store.release_dead_claims(&restarted).await.unwrap(), 0);
}

pub async fn live_claims_are_not_released<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let store = store.as_ref();
    let mine = queued(store).await;
    let theirs = queued(store).await;
    let me = claimant();
    assert_eq!(claim_one(store, T0, &me).await, vec![mine]);
    let other = Claimant::new("desk-2", "run-1");
    assert_eq!(claim_one(store, T0, &other).await, vec![theirs]);
    // This run may still be sending its own; another workstation may be alive: only the lease
    // frees those.
    assert_eq!(store.release_dead_claims(&me).await.unwrap(), 0);
    let third = Claimant::new("desk-3", "run-1");
    assert_eq!(store.release_dead_claims(&third).await.unwrap(), 0);
    assert!(claim_one(store, T0 + 1_000, &third).await.is_empty());
    let taken_over = store.claim_due_emails(T0 + 1_001, 1_000, 10, &third).await;
    assert_eq!(taken_over.unwrap().len(), 2);
    // A takeover moves the claim; a sent email holds none to release.
    store
        .mark_email_sent(mine, T0 + 1_002, "<id@x>", DeliveredVia::Smtp, &audit(T0))
        .await
        .unwrap();
    assert_eq!(store.release_dead_claims(&other).await.unwrap(), 0);
    let third_restarted = Claimant::new("desk-3", "run-2");
    assert_eq!(
        store.release_dead_claims(&third_restarted).await.unwrap(),
        1
    );
    let rows = store.list_emails("", 10).await.unwrap();
    let status = |id| rows.iter().find(|r| r.id == id).unwrap().status;
    assert_eq!(
        (status(mine), status(theirs)),
        (EmailStatus::Sent, EmailStatus::Queued)
    );
}
