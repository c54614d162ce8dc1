//! Actions queued at a workstation while the clinic database could not be reached, replayed:
//! through the rules as they stand at replay, once per key however often they are replayed.

use crate::audit::{AuditAction, AuditOutcome};
use crate::offline::{QueuedAction, QueuedKind, QueuedState, Replayed};
use crate::staff::StaffRecord;
use crate::time::{MINUTE, SECOND};

use super::{clinic, WS};

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
