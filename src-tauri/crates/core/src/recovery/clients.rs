//! The Clients list and the client profile: finding a client, their pets, their portal badge and
//! the email address the paw action sends to.

use crate::access;
use crate::audit::{AuditAction, AuditOutcome};
use crate::client::{
    self, ClientCursor, ClientFilter, ClientPage, ClientProfile, ClientQuery, ClientRecord,
    PortalBadge, PortalEmailStatus, PortalStatus,
};
use crate::error::{CoreError, CoreResult, StoreError};
use crate::outbox::EmailKind;
use crate::session::Actor;
use crate::staff::StaffRecord;
use crate::validate::{self, Field};

use super::staff::reset_status;
use super::Recovery;

/// One page of the Clients list; the list asks for the next as it scrolls.
pub const CLIENT_PAGE: u32 = 100;
/// The emails the paw action sends, and the 60-second rule counts.
pub(super) const PORTAL_LINK_KINDS: [EmailKind; 2] =
    [EmailKind::PortalInvite, EmailKind::PortalReset];
pub(super) const CLIENT_EMAIL: Field = Field::new("email", "Email");

impl Recovery {
    /// Clients whose name, email, phone or pet's name begins with `query`, a page at a time.
    pub async fn search_clients(
        &self,
        actor: &StaffRecord,
        query: &str,
        filter: ClientFilter,
        after: Option<ClientCursor>,
    ) -> CoreResult<ClientPage> {
        access::client_viewer(actor)?;
        let query = validate::search(query)?;
        // The clinic's country code matters only to a query that looks like a phone number.
        let clinic_phone = match client::phone_digits(&query) {
            Some(_) => self.settings().await?.clinic.phone,
            None => String::new(),
        };
        let search = ClientQuery::typed(&query, &clinic_phone, filter, after, CLIENT_PAGE + 1);
        let mut rows = self.store.search_clients(&search).await?;
        let next = if rows.len() > CLIENT_PAGE as usize {
            rows.truncate(CLIENT_PAGE as usize);
            rows.last().map(|r| ClientCursor {
                last_name: r.last_name.clone(),
                first_name: r.first_name.clone(),
                id: r.id,
            })
        } else {
            None
        };
        Ok(ClientPage { rows, next })
    }

    pub async fn client_profile(
        &self,
        actor: &StaffRecord,
        client_id: i64,
    ) -> CoreResult<ClientProfile> {
        access::client_viewer(actor)?;
        let client = self.client(client_id).await?;
        let account = self.store.portal_account_of(client.id).await?;
        let now = self.clock.now();
        let invite_expires_at = match &account {
            Some(a) if a.status == crate::client::PortalAccountStatus::Invited => self
                .store
                .live_portal_token(client.id, now)
                .await?
                .map(|t| t.expires_at),
            _ => None,
        };
        let last = self
            .store
            .latest_email_for_client(client.id, &PORTAL_LINK_KINDS)
            .await?;
        let resend_available_at = match &client.email {
            Some(email) => self
                .resend_wait(email, &PORTAL_LINK_KINDS)
                .await?
                .map(|wait| now + wait),
            None => None,
        };
        Ok(ClientProfile {
            portal: PortalBadge {
                status: PortalStatus::from(account.map(|a| a.status)),
                invite_expires_at,
            },
            last_email: last.as_ref().map(|e| PortalEmailStatus {
                invitation: e.kind == EmailKind::PortalInvite,
                delivery: reset_status(e),
            }),
            can_send: actor.role.can_act_on_portal(),
            resend_available_at,
            id: client.id,
            first_name: client.first_name,
            last_name: client.last_name,
            email: client.email,
            phone: client.phone,
            address: client.address,
            pets: client.pets,
        })
    }

    /// Adds or replaces the client's email, for the paw action to send to. Replacing one needs
    /// the actor's password entered within the last few minutes: a portal reset link follows
    /// the address, so changing it hands over the account. A pending link stops working.
    pub async fn set_client_email(
        &self,
        actor: &Actor,
        client_id: i64,
        email: &str,
        ws: &str,
    ) -> CoreResult<ClientProfile> {
        access::portal_sender(actor)?;
        let email = validate::email(CLIENT_EMAIL, email)?;
        let client = self.client(client_id).await?;
        if client
            .email
            .as_deref()
            .is_some_and(|old| old.eq_ignore_ascii_case(&email))
        {
            return self.client_profile(actor, client_id).await;
        }
        self.refuse_taken_username(&client, &email).await?;
        if client.email.is_some() {
            self.require_recent_password(actor)?;
        }
        let event = self
            .audit(AuditAction::ClientEmailChanged, AuditOutcome::Ok, ws)
            .actor(actor.id)
            .client(client.id);
        match self
            .store
            .update_client_email(client.id, Some(&email), self.clock.now(), &event)
            .await
        {
            Err(StoreError::Conflict(_)) => return Err(username_taken(&email)),
            other => other?,
        }
        self.client_profile(actor, client_id).await
    }

    pub(super) async fn client(&self, client_id: i64) -> CoreResult<ClientRecord> {
        self.store
            .get_client(client_id)
            .await?
            .ok_or(CoreError::NotFound("That client"))
    }

    /// A portal username is the client's email, so one address signs in one client.
    pub(super) async fn refuse_taken_username(
        &self,
        client: &ClientRecord,
        email: &str,
    ) -> CoreResult<()> {
        match self
            .store
            .portal_account_named(&email.to_lowercase())
            .await?
        {
            Some(other) if other.client_id != client.id => Err(username_taken(email)),
            _ => Ok(()),
        }
    }
}

pub(super) fn username_taken(email: &str) -> CoreError {
    CoreError::invalid(
        CLIENT_EMAIL,
        format!(
            "{} already signs in to the patient portal for another client. Each portal account \
             needs its own email address: enter this client's own address, or send the portal \
             email from the other client's profile.",
            validate::mask_email(email)
        ),
    )
}
