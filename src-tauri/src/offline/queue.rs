//! What a desk queues while the clinic's server cannot be reached: Reset password, the paw
//! icon and Invite to portal, each after the checks this computer's copy of the clinic can
//! answer, written to the queue file before the window is told "Queued — will send when
//! online". An action already waiting for the same person (or, for a bulk invitation, the same
//! clients) is not queued twice, so a second click sends nothing more.

use rand::rngs::OsRng;
use vetdesk_core::bulk::{clients_word, BulkSelection, BulkStart};
use vetdesk_core::client::{PortalAccountStatus, PortalSent};
use vetdesk_core::offline::{self, NewQueuedAction, QueuedAction, QueuedKind};
use vetdesk_core::ports::PortalStore;
use vetdesk_core::recovery::RESEND_INTERVAL;
use vetdesk_core::session::Actor;
use vetdesk_core::staff::ResetSent;
use vetdesk_core::time::Millis;
use vetdesk_core::{validate, Clock, CoreResult, SystemClock};

use super::Offline;

/// Show one-time code while offline: codes are made only in the clinic database.
pub const CODE_NEEDS_DATABASE: &str = "Show one-time code needs the clinic database, which this \
     computer cannot reach now. Use Reset password instead: it is queued and sent when the \
     connection is back.";

/// A change this desk cannot queue, while offline.
pub const NEEDS_DATABASE: &str = "This needs the clinic database, which this computer cannot \
     reach now. Try again when the connection is back.";

/// Whom a queued action is for.
enum Subject {
    /// A staff member or a client, by id.
    One(i64),
    /// The clients of a bulk invitation, in the order they are invited.
    Clients(Vec<i64>),
}

impl Offline {
    /// Queues Reset password on `staff_id`'s card, after the checks this computer's copy can
    /// answer; a reset already waiting for the same person is not queued twice.
    pub async fn queue_staff_reset(&self, actor: &Actor, staff_id: i64) -> CoreResult<ResetSent> {
        let target = self
            .copy_recovery
            .check_staff_reset(actor, staff_id)
            .await?;
        let masked = validate::mask_email(target.email.as_deref().unwrap_or_default());
        let queued_at = self
            .push(
                actor,
                QueuedKind::StaffReset,
                Subject::One(staff_id),
                &target.display_name,
            )
            .await?;
        Ok(ResetSent {
            message: staff_reset_queued(&target.display_name, &masked),
            masked_email: masked,
            resend_available_at: queued_at + RESEND_INTERVAL,
            queued: true,
        })
    }

    /// Queues the paw icon's email to `client_id`, after the checks this computer's copy can
    /// answer.
    pub async fn queue_portal_link(&self, actor: &Actor, client_id: i64) -> CoreResult<PortalSent> {
        let (client, email, _) = self
            .copy_recovery
            .portal_link_target(actor, client_id)
            .await?;
        let name = vetdesk_core::client::full_name(&client.first_name, &client.last_name);
        let masked = validate::mask_email(&email);
        let queued_at = self
            .push(
                actor,
                QueuedKind::PortalLink,
                Subject::One(client_id),
                &name,
            )
            .await?;
        let invitation = self
            .copy
            .portal_account_of(client_id)
            .await?
            .is_none_or(|a| a.status == PortalAccountStatus::Invited);
        Ok(PortalSent {
            invitation,
            message: portal_link_queued(&name, &masked),
            masked_email: masked,
            resend_available_at: queued_at + RESEND_INTERVAL,
            queued: true,
        })
    }

    /// Queues Invite to portal for `selection`, after the checks this computer's copy can
    /// answer: the role, the clinic's web address, and how many clients it reaches.
    ///
    /// A search is run on the copy here, and the clients it found are what is queued, not the
    /// search: the office manager confirmed a run to the clients the window counted, and a
    /// search run again at replay could reach others (clients added or changed meanwhile at
    /// other desks). Each client is still checked at replay, as in every run: those who have
    /// a portal account by then, or no email, are skipped and listed.
    pub async fn queue_bulk_invite(
        &self,
        actor: &Actor,
        selection: BulkSelection,
    ) -> CoreResult<BulkStart> {
        let words = selection.clone();
        let ids = self.copy_recovery.bulk_clients(actor, selection).await?;
        let total = ids.len();
        let subject = offline::bulk_subject(&words, total);
        self.push(
            actor,
            QueuedKind::BulkInvite,
            Subject::Clients(ids),
            &subject,
        )
        .await?;
        Ok(BulkStart::Queued {
            message: bulk_invite_queued(total),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// Writes the action to the queue file before anyone is told it is queued; answers when it
    /// was taken.
    async fn push(
        &self,
        actor: &Actor,
        kind: QueuedKind,
        subject: Subject,
        subject_name: &str,
    ) -> CoreResult<Millis> {
        let waiting = self.queue.waiting().await?;
        if let Some(same) = waiting
            .iter()
            .find(|a| a.kind == kind && is_for(a, &subject))
        {
            return Ok(same.queued_at);
        }
        let (subject_id, selection) = match subject {
            Subject::One(id) => (id, None),
            Subject::Clients(ids) => (0, Some(BulkSelection::Clients { ids })),
        };
        let action = NewQueuedAction {
            key: offline::new_key(&mut OsRng),
            kind,
            actor_id: actor.id,
            subject_id,
            actor_name: actor.display_name.clone(),
            subject_name: subject_name.to_string(),
            queued_at: SystemClock.now(),
            selection,
        };
        let queued = self.queue.push(&action).await?;
        tracing::info!(
            kind = kind.as_str(),
            id = queued.id,
            "action queued while offline"
        );
        self.changed();
        Ok(queued.queued_at)
    }
}

/// Whether the waiting `action` is for `subject`: the same person, or the same clients in
/// whatever order they were picked.
fn is_for(action: &QueuedAction, subject: &Subject) -> bool {
    match (subject, &action.selection) {
        (Subject::One(id), None) => action.subject_id == *id,
        (Subject::Clients(ids), Some(BulkSelection::Clients { ids: waiting })) => {
            let mut a = ids.clone();
            let mut b = waiting.clone();
            a.sort_unstable();
            b.sort_unstable();
            a == b
        }
        _ => false,
    }
}

fn staff_reset_queued(name: &str, email: &str) -> String {
    format!(
        "Queued — will send when online: the reset link for {name} goes to {email} as soon as \
         the clinic database answers."
    )
}

fn portal_link_queued(name: &str, email: &str) -> String {
    format!(
        "Queued — will send when online: the patient-portal email for {name} goes to {email} \
         as soon as the clinic database answers."
    )
}

fn bulk_invite_queued(total: usize) -> String {
    format!(
        "Queued — will send when online: portal invitations to {} go out from this computer \
         as soon as the clinic database answers.",
        clients_word(total)
    )
}
