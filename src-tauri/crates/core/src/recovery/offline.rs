//! Replaying what a workstation queued while the clinic database was unreachable: each action
//! through the same rules as if it were taken now, under its own key, so that the database takes
//! it once however often the workstation replays it.

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::error::{CoreError, CoreResult, StoreError};
use crate::offline::{self, QueuedAction, QueuedKind, Replayed};
use crate::staff::{StaffRecord, StaffStatus};

use super::Recovery;

const ALREADY_APPLIED: &str = "The clinic database already had this action.";
const ALREADY_REFUSED: &str = "The clinic database refused this action before; Activity says why.";

/// An action replayed from a workstation's queue: its key and when it was taken.
pub struct Replay<'a> {
    key: &'a str,
    detail: String,
}

impl Replay<'_> {
    /// `event`, marked as the replay of this action.
    pub(super) fn mark(&self, event: AuditEvent) -> AuditEvent {
        event.action_key(self.key).detail(self.detail.clone())
    }

    /// [`Replay::mark`], keeping what `event` would say of itself first ("12 clients").
    pub(super) fn mark_after(&self, event: AuditEvent, own: &str) -> AuditEvent {
        event
            .action_key(self.key)
            .detail(format!("{own}. {}", self.detail))
    }
}

impl Recovery {
    /// Replays `action`, queued at workstation `ws`. `Err` only when the clinic database cannot
    /// take it now (unreachable, busy): the action stays queued. A rule that refuses it (the
    /// person was disabled meanwhile, the address removed, a link sent moments ago) is an
    /// answer, recorded in Activity under the action's key.
    pub async fn replay(&self, action: &QueuedAction, ws: &str) -> CoreResult<Replayed> {
        let replay = Replay {
            key: &action.key,
            detail: format!(
                "Taken while the clinic database could not be reached, {} before it answered",
                offline::waited(action.queued_at, self.clock.now())
            ),
        };
        // Replayed again after a crash between the server's commit and the desk's record: the
        // rules would now see the action's own email, so the key is looked at first.
        match self.store.action_outcome(&action.key).await?.as_deref() {
            None => {}
            Some(outcome) if outcome == AuditOutcome::Refused.as_str() => {
                return Ok(Replayed::Refused(ALREADY_REFUSED.into()))
            }
            Some(_) => return Ok(Replayed::Sent(ALREADY_APPLIED.into())),
        }
        let actor = self.store.get_staff(action.actor_id).await?;
        let done = match &actor {
            Some(actor) if actor.status == StaffStatus::Active => {
                self.replay_as(actor, action, ws, &replay).await
            }
            _ => Err(CoreError::Forbidden(format!(
                "{}'s account was disabled before the clinic database answered.",
                action.actor_name
            ))),
        };
        let refusal = match done {
            Ok(message) => return Ok(Replayed::Sent(message)),
            Err(CoreError::Store(StoreError::AlreadyApplied)) => {
                return Ok(Replayed::Sent(ALREADY_APPLIED.into()))
            }
            Err(CoreError::Store(e @ (StoreError::Unavailable(_) | StoreError::Busy))) => {
                return Err(e.into())
            }
            Err(e) => e.to_string(),
        };
        let event = self.refusal_event(action, actor.as_ref(), ws);
        let event = event
            .action_key(replay.key)
            .detail(format!("{refusal} {}.", replay.detail));
        match self.store.append_audit(&event).await {
            Ok(()) | Err(StoreError::AlreadyApplied) => Ok(Replayed::Refused(refusal)),
            Err(e) => Err(e.into()),
        }
    }

    /// The clinic database is back while `staff_id` is signed in at workstation `ws` since
    /// `signed_in_at`, by a password this desk checked offline: a session in the database for
    /// them, if their account is still active. `None` signs them out at the desk.
    pub async fn resume_offline_session(
        &self,
        staff_id: i64,
        signed_in_at: crate::time::Millis,
        ws: &str,
    ) -> CoreResult<Option<i64>> {
        match self.store.get_staff(staff_id).await? {
            Some(staff) if staff.status == StaffStatus::Active => {}
            _ => return Ok(None),
        }
        let now = self.clock.now();
        let session = self.store.create_session(staff_id, now).await?;
        let event = self
            .audit(AuditAction::Login, AuditOutcome::Ok, ws)
            .actor(staff_id)
            .subject(staff_id)
            .detail(format!(
                "Signed in at this workstation while the clinic database could not be reached, \
                 {} before it answered",
                offline::waited(signed_in_at, now)
            ));
        self.store.append_audit(&event).await?;
        Ok(Some(session))
    }

    async fn replay_as(
        &self,
        actor: &StaffRecord,
        action: &QueuedAction,
        ws: &str,
        replay: &Replay<'_>,
    ) -> CoreResult<String> {
        match action.kind {
            QueuedKind::StaffReset => {
                let (target, email) = self.reset_target(actor, action.subject_id).await?;
                let sent = self
                    .reset_by(actor, &target, &email, ws, Some(replay))
                    .await?;
                Ok(sent.message)
            }
            QueuedKind::PortalLink => {
                let sent = self
                    .portal_link_by(actor, action.subject_id, ws, Some(replay))
                    .await?;
                Ok(sent.message)
            }
            QueuedKind::BulkInvite => {
                let selection = action.selection.clone().ok_or_else(|| {
                    CoreError::Internal(
                        "This queued invitation run lost its list of clients. Invite them again."
                            .into(),
                    )
                })?;
                let (_, total) = self
                    .bulk_invite_by(actor, selection, ws, Some(replay))
                    .await?;
                Ok(offline::bulk_started(total))
            }
        }
    }

    /// The Activity line of a refused replay, by the actor while the account exists.
    fn refusal_event(
        &self,
        action: &QueuedAction,
        actor: Option<&StaffRecord>,
        ws: &str,
    ) -> AuditEvent {
        let mut event = match action.kind {
            QueuedKind::StaffReset => self
                .audit(AuditAction::AdminReset, AuditOutcome::Refused, ws)
                .subject(action.subject_id),
            QueuedKind::PortalLink => self
                .audit(AuditAction::PortalInvite, AuditOutcome::Refused, ws)
                .client(action.subject_id),
            QueuedKind::BulkInvite => {
                self.audit(AuditAction::BulkInvite, AuditOutcome::Refused, ws)
            }
        };
        event.actor_id = actor.map(|a| a.id);
        event
    }
}
