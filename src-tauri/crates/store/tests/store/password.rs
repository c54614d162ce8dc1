//! What every store promises a signed-in password change: one transaction that keeps the session
//! it came from and nothing else of the account's.

use vetdesk_core::outbox::{EmailKind, EmailStatus, NewEmail};
use vetdesk_core::ports::Store;
use vetdesk_core::testing::T0;
use vetdesk_core::token::Purpose;

use crate::backends::{seeded, StoreFactory};
use crate::contract::{audit, email, issue, issue_admin_reset, live_codes};

fn notice(at: i64) -> NewEmail {
    NewEmail {
        kind: EmailKind::PasswordChanged,
        sealed: None,
        ..email(2, at)
    }
}

async fn hash_of(store: &dyn Store, id: i64) -> String {
    store.get_staff(id).await.unwrap().unwrap().password_hash
}

pub async fn a_password_change_keeps_this_session_and_ends_the_accounts_others<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let reset_email = issue_admin_reset(store.as_ref()).await.email_id.unwrap();
    issue(store.as_ref(), 3, Purpose::SelfReset, 3).await;
    let here = store.create_session(2, T0).await.unwrap();
    let there = store.create_session(2, T0).await.unwrap();
    let someone_else = store.create_session(3, T0).await.unwrap();
    let events = store.list_audit("", 1000).await.unwrap().len();

    let at = T0 + 1;
    store
        .change_password(2, here, "new hash", at, Some(&notice(at)), &audit(at))
        .await
        .unwrap();

    assert_eq!(hash_of(store.as_ref(), 2).await, "new hash");
    assert!(store.find_session(here).await.unwrap().is_some());
    assert!(store.find_session(there).await.unwrap().is_none());
    assert!(store.find_session(someone_else).await.unwrap().is_some());
    assert!(live_codes(store.as_ref(), 2, at).await.is_empty());
    assert_eq!(live_codes(store.as_ref(), 3, at).await.len(), 1);
    let rows = store.list_emails("", 10).await.unwrap();
    let row = |id: i64| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row(reset_email).status, EmailStatus::Expired);
    let queued: Vec<_> = rows
        .iter()
        .filter(|r| r.status == EmailStatus::Queued)
        .map(|r| (r.kind, r.token_id))
        .collect();
    assert_eq!(queued, [(EmailKind::PasswordChanged, None)]);
    let after = store.list_audit("", 1000).await.unwrap().len();
    assert_eq!(after, events + 1);
}

pub async fn a_password_change_whose_audit_fails_changes_nothing<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let before = hash_of(store.as_ref(), 2).await;
    issue(store.as_ref(), 2, Purpose::SelfReset, 2).await;
    let there = store.create_session(2, T0).await.unwrap();
    // An audit event naming no account breaks the transaction at its last write.
    let bad = audit(T0 + 1).actor(9_999);
    let at = T0 + 1;
    let result = store
        .change_password(2, 0, "new hash", at, Some(&notice(at)), &bad)
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(hash_of(store.as_ref(), 2).await, before);
    assert!(store.find_session(there).await.unwrap().is_some());
    assert_eq!(live_codes(store.as_ref(), 2, at).await.len(), 1);
    assert!(store.list_emails("", 10).await.unwrap().is_empty());
}
