//! The paw icon on a client's profile: a patient-portal invitation, or a portal reset link for a
//! registered client, sent now or replayed from a desk's offline queue.

use crate::access;
use crate::audit::AuditOutcome;
use crate::client::{ClientRecord, PortalAccountStatus, PortalSent};
use crate::error::{CoreError, CoreResult};
use crate::limits;
use crate::session::Actor;
use crate::settings::{MailTransport, Settings};
use crate::staff::StaffRecord;
use crate::validate;

use super::clients::{CLIENT_EMAIL, PORTAL_LINK_KINDS};
use super::offline::Replay;
use super::portal::require_clinic_url;
use super::{Recovery, RESEND_INTERVAL};

impl Recovery {
    /// The paw icon. A client without a portal account, or whose invitation is still pending,
    /// gets an invitation to choose a password (the account is created with their email as its
    /// username); one with an account gets a portal reset link. Never a password by email.
    pub async fn send_portal_link(
        &self,
        actor: &Actor,
        client_id: i64,
        ws: &str,
    ) -> CoreResult<PortalSent> {
        self.portal_link_by(actor, client_id, ws, None).await
    }

    /// [`Recovery::send_portal_link`] by `actor`, or replayed from an offline queue.
    pub(super) async fn portal_link_by(
        &self,
        actor: &StaffRecord,
        client_id: i64,
        ws: &str,
        replay: Option<&Replay<'_>>,
    ) -> CoreResult<PortalSent> {
        let (client, email, settings) = self.portal_link_target(actor, client_id).await?;
        // An address another client signs in with is refused first: waiting would not help.
        self.refuse_taken_username(&client, &email).await?;
        if let Some(wait) = self.resend_wait(&email, &PORTAL_LINK_KINDS).await? {
            return Err(CoreError::ResendTooSoon {
                retry_after_secs: limits::seconds(wait),
            });
        }
        let account = self.store.portal_account_of(client.id).await?;
        let invitation = account
            .as_ref()
            .is_none_or(|a| a.status == PortalAccountStatus::Invited);
        let event = |action| {
            let event = self
                .audit(action, AuditOutcome::Queued, ws)
                .actor(actor.id)
                .client(client.id);
            match replay {
                Some(replay) => replay.mark(event),
                None => event,
            }
        };
        let now = self
            .issue_portal_link(&settings, &client, &email, invitation, event)
            .await?;
        let masked = validate::mask_email(&email);
        let message = match (settings.mail.transport, invitation) {
            (MailTransport::Smtp, true) => format!("Invitation sent to {masked}"),
            (MailTransport::Smtp, false) => {
                format!("Reset password link has been sent to {masked}")
            }
            (MailTransport::Preview, _) => format!(
                "Email is not set up, so the patient-portal email for {masked} was written to \
                 the preview outbox and not sent. Set up email in Settings › Mail."
            ),
        };
        Ok(PortalSent {
            invitation,
            masked_email: masked,
            message,
            resend_available_at: now + RESEND_INTERVAL,
            queued: false,
        })
    }

    /// The client a portal email from `actor` goes to, the address checked as a typed one is,
    /// and the clinic's settings, which must name the clinic's web address. What a desk offline
    /// checks from its copy of the clinic before it queues the paw icon's email.
    pub async fn portal_link_target(
        &self,
        actor: &StaffRecord,
        client_id: i64,
    ) -> CoreResult<(ClientRecord, String, Settings)> {
        access::portal_sender(actor)?;
        let client = self.client(client_id).await?;
        let email = client.email.clone().ok_or_else(|| {
            CoreError::NoEmail(
                "This client has no email address. Add one to send the patient-portal email."
                    .into(),
            )
        })?;
        // An address written by an import or an older system is checked as a typed one is.
        let email = validate::email(CLIENT_EMAIL, &email).map_err(|_| {
            CoreError::invalid(
                CLIENT_EMAIL,
                "The email address on file for this client is not a valid address. Enter a \
                 corrected one to send the patient-portal email.",
            )
        })?;
        let settings = self.settings().await?;
        require_clinic_url(&settings)?;
        Ok((client, email, settings))
    }
}
