//! What every store promises the bulk runner and the outbox's key check, whatever the backend:
//! a run's items in order, each outcome counted once, the run finished or cancelled once; and
//! the first dispatcher's key recorded as the clinic's.

use vetdesk_core::bulk::{BulkOutcome, BulkStatus, NewBulkJob};
use vetdesk_core::testing::T0;
use vetdesk_core::StoreError;

use crate::backends::{seeded, StoreFactory};
use crate::clients::client;
use crate::contract::audit;

pub async fn a_bulk_run_counts_each_outcome_once_and_finishes<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let people = [
        client("Ana", "Lima", Some("ana@example.org"), None),
        client("Bo", "Zed", None, None),
        client("Cy", "Moss", Some("cy@example.org"), None),
    ];
    let ids = store.insert_clients(&people, T0).await.unwrap();
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();
    let job = |client_ids: Vec<i64>| NewBulkJob {
        created_by: admin.id,
        workstation: "desk-1".into(),
        created_at: T0,
        client_ids,
    };
    let id = store
        .create_bulk_job(&job(ids.clone()), &audit(T0))
        .await
        .unwrap();

    let running = store.running_bulk_jobs("desk-1").await.unwrap();
    assert_eq!(running.iter().map(|j| j.id).collect::<Vec<_>>(), [id]);
    assert!(store.running_bulk_jobs("desk-2").await.unwrap().is_empty());
    let items = store.pending_bulk_items(id, 10).await.unwrap();
    let order: Vec<(u32, i64)> = items.iter().map(|i| (i.position, i.client_id)).collect();
    assert_eq!(order, [(0, ids[0]), (1, ids[1]), (2, ids[2])]);
    assert_eq!(store.pending_bulk_items(id, 2).await.unwrap().len(), 2);

    store
        .record_bulk_outcome(id, 0, BulkOutcome::Sent, T0 + 1)
        .await
        .unwrap();
    // A resumed run that records the same item again counts nothing more.
    store
        .record_bulk_outcome(id, 0, BulkOutcome::Failed, T0 + 2)
        .await
        .unwrap();
    store
        .record_bulk_outcome(id, 1, BulkOutcome::SkippedNoEmail, T0 + 3)
        .await
        .unwrap();
    let midway = store.bulk_job(id).await.unwrap().unwrap();
    assert_eq!(midway.status, BulkStatus::Running);
    assert_eq!((midway.sent, midway.skipped, midway.failed), (1, 1, 0));
    assert_eq!(store.pending_bulk_items(id, 10).await.unwrap().len(), 1);
    store
        .record_bulk_outcome(id, 2, BulkOutcome::Failed, T0 + 4)
        .await
        .unwrap();

    let done = store.bulk_job(id).await.unwrap().unwrap();
    assert_eq!(done.status, BulkStatus::Done);
    assert_eq!(
        (done.total, done.sent, done.skipped, done.failed),
        (3, 1, 1, 1)
    );
    assert_eq!(done.finished_at, Some(T0 + 4));
    assert!(store.running_bulk_jobs("desk-1").await.unwrap().is_empty());
    let not_sent = store.bulk_not_sent(id, 10).await.unwrap();
    let names: Vec<(i64, &str)> = not_sent
        .iter()
        .map(|s| (s.client_id, s.name.as_str()))
        .collect();
    assert_eq!(names, [(ids[1], "Bo Zed"), (ids[2], "Cy Moss")]);

    let other = store
        .create_bulk_job(&job(vec![ids[0]]), &audit(T0))
        .await
        .unwrap();
    assert!(store
        .cancel_bulk_job(other, T0 + 5, &audit(T0 + 5))
        .await
        .unwrap());
    assert!(!store
        .cancel_bulk_job(other, T0 + 6, &audit(T0 + 6))
        .await
        .unwrap());
    let cancelled = store.bulk_job(other).await.unwrap().unwrap();
    assert_eq!(cancelled.status, BulkStatus::Cancelled);
    assert_eq!(cancelled.finished_at, Some(T0 + 5));
    assert!(store.bulk_job(other + 100).await.unwrap().is_none());
}

/// A run replayed from a desk's offline queue carries the action's key in its audit event: the
/// second run under that key is refused as already applied, with none of its items.
pub async fn a_keyed_bulk_run_is_stored_once<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let people = [
        client("Ana", "Lima", Some("ana@example.org"), None),
        client("Cy", "Moss", Some("cy@example.org"), None),
    ];
    let ids = store.insert_clients(&people, T0).await.unwrap();
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();
    let job = NewBulkJob {
        created_by: admin.id,
        workstation: "desk-1".into(),
        created_at: T0,
        client_ids: ids.clone(),
    };
    let keyed = audit(T0).action_key("bulk-key");
    let first = store.create_bulk_job(&job, &keyed).await.unwrap();
    assert_eq!(
        store.action_outcome("bulk-key").await.unwrap().as_deref(),
        Some("ok")
    );
    let again = store.create_bulk_job(&job, &keyed).await;
    assert!(
        matches!(again, Err(StoreError::AlreadyApplied)),
        "{again:?}"
    );
    let running = store.running_bulk_jobs("desk-1").await.unwrap();
    assert_eq!(running.iter().map(|j| j.id).collect::<Vec<_>>(), [first]);
    // The refused run left no items behind under the id it would have had.
    assert!(store
        .pending_bulk_items(first + 1, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.pending_bulk_items(first, 10).await.unwrap().len(), 2);
}

pub async fn the_first_dispatchers_key_is_the_clinics<F: StoreFactory>() {
    let (store, _guard) = seeded::<F>().await;
    let first = "a".repeat(32);
    let other = "b".repeat(32);
    assert!(store.clinic_outbox_key(&first).await.unwrap());
    assert!(store.clinic_outbox_key(&first).await.unwrap());
    assert!(!store.clinic_outbox_key(&other).await.unwrap());
    assert!(store.clinic_outbox_key(&first).await.unwrap());
}
