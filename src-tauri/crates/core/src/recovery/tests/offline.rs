//! Actions queued at a workstation while the clinic database could not be reached, replayed:
//! through the rules as they stand at replay, once per key however often they are replayed.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::bulk::BulkSelection;
use crate::client::NewClient;
use crate::offline::{QueuedAction, QueuedKind, QueuedState, Replayed};
use crate::ports::{BulkStore, ClientStore, SettingsStore};
use crate::settings::Settings;
use crate::staff::StaffRecord;
use crate::testing::T0;
use crate::time::{MINUTE, SECOND};

use super::{clinic, Clinic, WS};

fn queued(key: &str, kind: QueuedKind, actor: &StaffRecord, subject_id: i64) -> QueuedAction {
    QueuedAction {
        id: 1,
        key: key.into(),
        kind,
        actor_id: actor.id,
        subject_id,
        actor_name: actor.display_name.clone(),
        subject_name: "whom".into(),
        queued_at: crate::testing::T0,
        selection: None,
        state: QueuedState::Queued,
        outcome: None,
        settled_at: None,
    }
}

#[tokio::test]
async fn a_queued_reset_is_sent_at_replay_and_a_second_replay_sends_nothing() {
    let c = clinic().await;
    let s = &c.staff;
    c.advance(20 * MINUTE);
    let action = queued("k1", QueuedKind::StaffReset, &s.admin, s.receptionist.id);
    let first = c.replay(&action, WS).await.unwrap();
    assert!(
        matches!(&first, Replayed::Sent(m) if m.contains("r•••@")),
        "{first:?}"
    );
    let events = c.events(AuditAction::AdminReset);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action_key.as_deref(), Some("k1"));
    let detail = events[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("20 minutes before it answered"), "{detail}");

    // The desk crashed before it recorded the answer, and replays again: nothing more is sent,
    // also long after the resend interval.
    c.advance(10 * MINUTE);
    let again = c.replay(&action, WS).await.unwrap();
    assert!(
        matches!(&again, Replayed::Sent(m) if m.contains("already had")),
        "{again:?}"
    );
    assert_eq!(c.emails().len(), 1);
    assert_eq!(c.tokens().len(), 1);
    assert_eq!(c.events(AuditAction::AdminReset).len(), 1);
}

#[tokio::test]
async fn replay_refuses_what_the_rules_refuse_now_and_records_why_once() {
    let c = clinic().await;
    let s = &c.staff;
    // The target was disabled while the desk was offline.
    let disabled = queued("k2", QueuedKind::StaffReset, &s.admin, s.disabled.id);
    let refused = c.replay(&disabled, WS).await.unwrap();
    assert!(
        matches!(&refused, Replayed::Refused(m) if m.contains("disabled")),
        "{refused:?}"
    );
    // The actor was disabled meanwhile: nothing is done in their name.
    let by_disabled = queued("k3", QueuedKind::StaffReset, &s.disabled, s.receptionist.id);
    let refused = c.replay(&by_disabled, WS).await.unwrap();
    assert!(
        matches!(&refused, Replayed::Refused(m) if m.contains("account was disabled")),
        "{refused:?}"
    );
    // No address on file any more.
    let no_email = queued("k4", QueuedKind::StaffReset, &s.admin, s.no_email.id);
    assert!(matches!(
        c.replay(&no_email, WS).await.unwrap(),
        Replayed::Refused(_)
    ));
    assert!(c.emails().is_empty());
    let outcomes = c.outcomes(AuditAction::AdminReset);
    assert_eq!(outcomes, [AuditOutcome::Refused; 3]);

    // Replayed again: the refusal stands and is not recorded twice.
    c.advance(2 * SECOND);
    let again = c.replay(&disabled, WS).await.unwrap();
    assert!(matches!(&again, Replayed::Refused(m) if m.contains("refused this action before")));
    assert_eq!(c.outcomes(AuditAction::AdminReset).len(), 3);
}

#[tokio::test]
async fn a_role_without_the_staff_list_queues_nothing_that_replays() {
    let c = clinic().await;
    let s = &c.staff;
    let action = queued("k5", QueuedKind::StaffReset, &s.receptionist, s.vet.id);
    let refused = c.replay(&action, WS).await.unwrap();
    assert!(matches!(refused, Replayed::Refused(_)), "{refused:?}");
    assert!(c.emails().is_empty());
}

/// A bulk invitation of `ids` queued by `actor`, as the desk stores it: the clients it counted.
fn queued_bulk(key: &str, actor: &StaffRecord, ids: &[i64]) -> QueuedAction {
    QueuedAction {
        subject_name: format!("{} clients", ids.len()),
        selection: Some(BulkSelection::Clients { ids: ids.to_vec() }),
        ..queued(key, QueuedKind::BulkInvite, actor, 0)
    }
}

/// The roster clinic with the clinic's web address and `n` clients with an email.
async fn with_clients(n: usize) -> (Clinic, Vec<i64>) {
    let c = clinic().await;
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some("https://portal.harborview-clinic.example".into());
    let saved = AuditEvent::new(T0, AuditAction::SettingsSaved, AuditOutcome::Ok, WS);
    c.db.save_settings(&settings, &saved).await.unwrap();
    let people: Vec<NewClient> = (0..n)
        .map(|i| NewClient {
            first_name: format!("Client{i}"),
            last_name: "Lund".into(),
            email: Some(format!("client{i}@mail.example")),
            phone: None,
            address: None,
            pets: Vec::new(),
        })
        .collect();
    let ids = c.db.insert_clients(&people, T0).await.unwrap();
    (c, ids)
}

#[tokio::test]
async fn a_queued_bulk_invitation_replays_into_one_run_and_a_second_replay_stores_nothing() {
    let (c, ids) = with_clients(4).await;
    let s = &c.staff;
    c.advance(12 * MINUTE);
    // The desk counted three of them, one picked twice.
    let picked = [ids[2], ids[0], ids[3], ids[0]];
    let action = queued_bulk("b1", &s.manager, &picked);
    let first = c.replay(&action, WS).await.unwrap();
    assert_eq!(
        first,
        Replayed::Sent("Portal invitations to 3 clients are being sent from this computer.".into())
    );
    let runs = c.db.running_bulk_jobs(WS).await.unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].created_by, s.manager.id);
    let items = c.db.pending_bulk_items(runs[0].id, 10).await.unwrap();
    let clients: Vec<i64> = items.iter().map(|i| i.client_id).collect();
    assert_eq!(clients, [ids[2], ids[0], ids[3]]);
    let events = c.events(AuditAction::BulkInvite);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action_key.as_deref(), Some("b1"));
    assert_eq!(events[0].actor_id, Some(s.manager.id));
    let detail = events[0].detail.clone().unwrap_or_default();
    assert!(
        detail.starts_with("3 clients. Taken while the clinic database could not be reached"),
        "{detail}"
    );
    assert!(detail.contains("12 minutes before it answered"), "{detail}");

    // Replayed again after a crash before the desk recorded the answer: no second run.
    c.advance(MINUTE);
    let again = c.replay(&action, WS).await.unwrap();
    assert!(
        matches!(&again, Replayed::Sent(m) if m.contains("already had this action")),
        "{again:?}"
    );
    assert_eq!(c.db.running_bulk_jobs(WS).await.unwrap().len(), 1);
    assert_eq!(c.events(AuditAction::BulkInvite).len(), 1);
    assert!(c.emails().is_empty(), "the runner sends, not the replay");
}

#[tokio::test]
async fn a_queued_bulk_invitation_is_refused_for_a_role_without_it_or_a_disabled_actor_once() {
    let (c, ids) = with_clients(2).await;
    let s = &c.staff;
    // A receptionist may send the paw icon's email, but not a run to many clients.
    let by_receptionist = queued_bulk("b2", &s.receptionist, &ids);
    let refused = c.replay(&by_receptionist, WS).await.unwrap();
    assert!(
        matches!(&refused, Replayed::Refused(m) if m.contains("office managers and admins")),
        "{refused:?}"
    );
    let by_disabled = queued_bulk("b3", &s.disabled, &ids);
    let refused = c.replay(&by_disabled, WS).await.unwrap();
    assert!(
        matches!(&refused, Replayed::Refused(m) if m.contains("account was disabled")),
        "{refused:?}"
    );
    // The clinic's web address was removed meanwhile: the invitations would have no link.
    let mut settings = c.settings().await.unwrap();
    settings.clinic.clinic_url = None;
    let saved = AuditEvent::new(T0, AuditAction::SettingsSaved, AuditOutcome::Ok, WS);
    c.db.save_settings(&settings, &saved).await.unwrap();
    let no_url = queued_bulk("b4", &s.admin, &ids);
    assert!(matches!(
        c.replay(&no_url, WS).await.unwrap(),
        Replayed::Refused(_)
    ));

    assert!(c.db.running_bulk_jobs(WS).await.unwrap().is_empty());
    let events = c.events(AuditAction::BulkInvite);
    let keyed: Vec<_> = events
        .iter()
        .map(|e| (e.outcome, e.action_key.as_deref(), e.actor_id))
        .collect();
    assert_eq!(
        keyed,
        [
            (AuditOutcome::Refused, Some("b2"), Some(s.receptionist.id)),
            (AuditOutcome::Refused, Some("b3"), Some(s.disabled.id)),
            (AuditOutcome::Refused, Some("b4"), Some(s.admin.id)),
        ]
    );
    // Replayed again: the refusal stands and is not recorded twice.
    c.advance(2 * SECOND);
    let again = c.replay(&by_receptionist, WS).await.unwrap();
    assert!(matches!(&again, Replayed::Refused(m) if m.contains("refused this action before")));
    assert_eq!(c.events(AuditAction::BulkInvite).len(), 3);
}
