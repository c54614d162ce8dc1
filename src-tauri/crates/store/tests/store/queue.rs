//! The workstation's queue of offline actions: kept in order across a reopen (the app killed
//! and started again), settled once, listed for the window.

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
