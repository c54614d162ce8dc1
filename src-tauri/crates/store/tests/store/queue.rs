//! The workstation's queue of offline actions: kept in order across a reopen (the app killed
//! and started again), settled once, listed for the window.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;
use vetdesk_core::bulk::BulkSelection;
use vetdesk_core::offline::{NewQueuedAction, QueuedKind, QueuedState};
use vetdesk_store::queue::ActionQueue;

fn action(key: &str, subject_id: i64, at: i64) -> NewQueuedAction {
    NewQueuedAction {
        key: key.into(),
        kind: QueuedKind::StaffReset,
        actor_id: 1,
        subject_id,
        actor_name: "Noor Haddad".into(),
        subject_name: format!("Staff {subject_id}"),
        queued_at: at,
        selection: None,
    }
}

fn bulk(key: &str, ids: Vec<i64>, at: i64) -> NewQueuedAction {
    NewQueuedAction {
        kind: QueuedKind::BulkInvite,
        subject_id: 0,
        subject_name: format!("{} clients", ids.len()),
        selection: Some(BulkSelection::Clients { ids }),
        ..action(key, 0, at)
    }
}

#[tokio::test]
async fn queued_actions_survive_a_reopen_in_order_and_settle_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offline-queue.sqlite3");
    let queue = ActionQueue::open(&path).await.unwrap();
    for (n, key) in ["a", "b", "c"].iter().enumerate() {
        queue
            .push(&action(key, n as i64 + 2, 100 + n as i64))
            .await
            .unwrap();
    }
    // The same key twice is refused: one action, one key.
    assert!(queue.push(&action("a", 9, 200)).await.is_err());
    drop(queue);

    let queue = ActionQueue::open(&path).await.unwrap();
    let waiting = queue.waiting().await.unwrap();
    let keys: Vec<_> = waiting.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "c"]);
    assert_eq!(waiting[1].subject_name, "Staff 3");
    queue
        .settle(waiting[0].id, QueuedState::Sent, "sent", 300)
        .await
        .unwrap();
    // A second answer for the same action does not replace the first.
    queue
        .settle(waiting[0].id, QueuedState::Refused, "late", 400)
        .await
        .unwrap();
    assert!(queue
        .settle(waiting[1].id, QueuedState::Queued, "", 300)
        .await
        .is_err());
    assert_eq!(queue.waiting_count().await.unwrap(), 2);

    let listed = queue.listed(250).await.unwrap();
    let shown: Vec<_> = listed
        .iter()
        .map(|a| (a.key.as_str(), a.state, a.outcome.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            ("c", QueuedState::Queued, None),
            ("b", QueuedState::Queued, None),
            ("a", QueuedState::Sent, Some("sent")),
        ]
    );
    // Settled before `since`: no longer listed; waiting ones always are.
    assert_eq!(queue.listed(301).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_bulk_invitation_keeps_its_clients_and_the_list_leaves_them_out() {
    let dir = tempfile::tempdir().unwrap();
    let queue = ActionQueue::open(&dir.path().join("offline-queue.sqlite3"))
        .await
        .unwrap();
    let ids: Vec<i64> = (1..=2_000).collect();
    let pushed = queue.push(&bulk("b", ids.clone(), 100)).await.unwrap();
    assert_eq!(pushed.kind, QueuedKind::BulkInvite);
    queue.push(&action("r", 7, 101)).await.unwrap();
    // A bulk invitation without its clients, or a reset with some, is not queued.
    let mut lost = bulk("x", vec![1], 102);
    lost.selection = None;
    assert!(queue.push(&lost).await.is_err());
    let mut stray = action("y", 7, 103);
    stray.selection = Some(BulkSelection::Clients { ids: vec![1] });
    assert!(queue.push(&stray).await.is_err());

    let waiting = queue.waiting().await.unwrap();
    let selections: Vec<_> = waiting.iter().map(|a| a.selection.clone()).collect();
    assert_eq!(selections, [Some(BulkSelection::Clients { ids }), None]);
    assert_eq!(waiting[0].subject_name, "2000 clients");
    let listed = queue.listed(0).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|a| a.selection.is_none()));
}

#[tokio::test]
async fn a_queue_file_of_the_release_before_bulk_invitations_keeps_its_actions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offline-queue.sqlite3");
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    let mut before = sqlx::migrate!("migrations/queue");
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version < 2)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO queued_actions (action_key, kind, actor_id, subject_id, actor_name, \
         subject_name, queued_at) VALUES ('old', 'portal_link', 1, 5, 'Noor Haddad', \
         'Maya Brooks', 100), ('done', 'staff_reset', 1, 6, 'Noor Haddad', 'Lee Park', 90)",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE queued_actions SET state = 'sent', outcome = 'sent', settled_at = 110 \
         WHERE action_key = 'done'",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let queue = ActionQueue::open(&path).await.unwrap();
    let waiting = queue.waiting().await.unwrap();
    let old: Vec<_> = waiting
        .iter()
        .map(|a| (a.key.as_str(), a.kind, a.subject_id, a.selection.is_none()))
        .collect();
    assert_eq!(old, [("old", QueuedKind::PortalLink, 5, true)]);
    assert_eq!(queue.listed(0).await.unwrap().len(), 2);
    // Queued after the old one, and replayed after it.
    queue.push(&bulk("new", vec![3, 4], 200)).await.unwrap();
    let keys: Vec<_> = queue
        .waiting()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.key)
        .collect();
    assert_eq!(keys, ["old", "new"]);
}
