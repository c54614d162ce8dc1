//! What the paw icon's emails lead to: the portal link stored with its sealed email, the
//! set-password page the link opens on the clinic's web server, and the portal sign-in that
//! proves the new password works.

use serde::Serialize;

use crate::audit::{AuditAction, AuditEvent, AuditOutcome};
use crate::client::{
    self, ClientRecord, NewPortalToken, PortalAccount, PortalAccountStatus, PortalTokenRecord,
};
use crate::error::{CoreError, CoreResult, StoreError};
use crate::limits::{self, Action, Who};
use crate::outbox::{EmailKind, EmailParams, NewEmail};
use crate::settings::Settings;
use crate::time::Millis;
use crate::token::{self, Purpose, Secrets};
use crate::validate;
use crate::Sensitive;

use super::clients::username_taken;
use super::login::PASSWORD_INPUT_MAX_BYTES;
use super::Recovery;

/// Who a portal link is for, shown on the set-password page before anything is used up.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalTarget {
    /// The client's first name, or their full name when it is empty.
    pub greeting_name: String,
    pub username: String,
    /// An invitation (the account has no password yet), not a reset.
    pub invitation: bool,
    pub expires_at: Millis,
}

/// A portal sign-in: the cookie's secret (only its digest is stored) and whom it signs in.
pub struct PortalSignIn {
    pub secret: Sensitive<String>,
    pub account: PortalAccount,
}

impl Recovery {
    /// Stores a portal link for `client` with its sealed email to `email`, in one transaction:
    /// an invitation (creating the account when there is none) or a reset. `audit` makes the
    /// event from its action. Answers when it was stored.
    pub(super) async fn issue_portal_link(
        &self,
        settings: &Settings,
        client: &ClientRecord,
        email: &str,
        invitation: bool,
        audit: impl FnOnce(AuditAction) -> AuditEvent,
    ) -> CoreResult<Millis> {
        let (purpose, kind, action, minutes) = if invitation {
            let minutes = settings.lifetimes.portal_invite_minutes;
            (
                Purpose::PortalInvite,
                EmailKind::PortalInvite,
                AuditAction::PortalInvite,
                minutes,
            )
        } else {
            let minutes = settings.lifetimes.portal_reset_minutes;
            (
                Purpose::PortalReset,
                EmailKind::PortalReset,
                AuditAction::PortalReset,
                minutes,
            )
        };
        self.require_clinic_keys().await?;
        let now = self.clock.now();
        let expires_at = now + token::minutes(minutes);
        let link = self.secrets(true).link.unwrap_or_default();
        let token = NewPortalToken {
            client_id: client.id,
            username: email.to_lowercase(),
            purpose,
            link_digest: token::digest(&link),
            created_at: now,
            expires_at,
        };
        let message = NewEmail {
            sealed: Some(self.sealer.seal(&Secrets {
                link: Some(link),
                code: None,
            })?),
            ..client_email(kind, settings, client, email.to_string(), now)
                .expiring(expires_at, None)
        };
        match self
            .store
            .issue_portal_token(&token, &message, &audit(action))
            .await
        {
            Err(StoreError::Conflict(_)) => return Err(username_taken(email)),
            other => other?,
        };
        (self.outbox_wake)();
        Ok(now)
    }

    /// Who a portal link is for, without using it up (mail scanners open links too).
    pub async fn check_portal_link(&self, link: &str) -> CoreResult<PortalTarget> {
        let (token, client, account) = self.live_portal_link(link).await?;
        Ok(PortalTarget {
            greeting_name: if client.first_name.is_empty() {
                client::full_name(&client.first_name, &client.last_name)
            } else {
                client.first_name
            },
            username: account.username,
            invitation: token.purpose == Purpose::PortalInvite,
            expires_at: token.expires_at,
        })
    }

    /// Sets the portal password with a link: the policy first (a weak password leaves the link
    /// usable), then in one step the link is used up, the account becomes active, its portal
    /// sessions end, its other links die and "password changed" is queued to the client.
    pub async fn complete_portal_password(
        &self,
        link: &str,
        password: &str,
        confirm: &str,
        ws: &str,
    ) -> CoreResult<()> {
        let (token, client, account) = self.live_portal_link(link).await?;
        let settings = self.settings().await?;
        let words = [
            client.first_name.as_str(),
            client.last_name.as_str(),
            account.username.as_str(),
            "portal",
        ];
        self.check_password(&settings, &words, password, confirm)
            .await?;
        let hash = self.hashing.hash(password.to_string()).await?;
        let now = self.clock.now();
        let notice = client.email.clone().map(|email| {
            client_email(
                EmailKind::PortalPasswordChanged,
                &settings,
                &client,
                email,
                now,
            )
        });
        let event = self
            .audit(AuditAction::PortalPasswordSet, AuditOutcome::Ok, ws)
            .client(client.id)
            .detail(format!("with {}", token.purpose.as_str()));
        if !self
            .store
            .complete_portal_password(token.id, &hash, now, notice.as_ref(), &event)
            .await?
        {
            return Err(CoreError::TokenInvalid);
        }
        (self.outbox_wake)();
        Ok(())
    }

    async fn live_portal_link(
        &self,
        link: &str,
    ) -> CoreResult<(PortalTokenRecord, ClientRecord, PortalAccount)> {
        let link = token::well_formed_link(link).ok_or(CoreError::TokenInvalid)?;
        let token = match self
            .store
            .find_portal_token_by_link(&token::digest(link))
            .await?
        {
            Some(t) if t.is_live(self.clock.now()) => t,
            _ => return Err(CoreError::TokenInvalid),
        };
        let client = self.store.get_client(token.client_id).await?;
        let account = self.store.portal_account_of(token.client_id).await?;
        match (client, account) {
            (Some(c), Some(a)) if a.id == token.account_id => Ok((token, c, a)),
            _ => Err(CoreError::TokenInvalid),
        }
    }

    /// The portal's sign-in. Every attempt counts against `place`, where it came from (the web
    /// server passes the client's address, so that one address cannot use up everyone's
    /// attempts), and, when the name is an account's, against that account, before the password
    /// is checked; an unknown name costs the same hashing as a known one. `ws` names the server
    /// in the audit log.
    pub async fn portal_sign_in(
        &self,
        username: &str,
        password: &str,
        place: &str,
        ws: &str,
    ) -> CoreResult<PortalSignIn> {
        let username = validate::identifier(validate::USERNAME, username)?;
        if password.is_empty() || password.len() > PASSWORD_INPUT_MAX_BYTES {
            return Err(CoreError::InvalidCredentials);
        }
        let place = Who::Workstation(place);
        if let Some(wait) = self.over_limit(Action::SignIn, place).await? {
            return Err(CoreError::Throttled {
                retry_after_secs: limits::seconds(wait),
            });
        }
        let account = self.store.portal_account_named(&username).await?;
        if let Some(a) = &account {
            if let Some(wait) = self
                .over_limit(Action::SignIn, Who::PortalAccount(a.id))
                .await?
            {
                let event = self
                    .audit(
                        AuditAction::PortalSignIn,
                        AuditOutcome::RateLimitedAccount,
                        ws,
                    )
                    .client(a.client_id);
                self.store.append_audit(&event).await?;
                return Err(CoreError::Throttled {
                    retry_after_secs: limits::seconds(wait),
                });
            }
        }
        let usable = account
            .as_ref()
            .filter(|a| a.status == PortalAccountStatus::Active)
            .and_then(|a| a.password_hash.clone());
        let right = self
            .hashing
            .verify(
                password.to_string(),
                usable
                    .clone()
                    .unwrap_or_else(|| crate::password::decoy_hash().to_string()),
            )
            .await
            && usable.is_some();
        let Some(account) = account.filter(|_| right) else {
            let event = self.audit(AuditAction::PortalSignIn, AuditOutcome::Refused, ws);
            self.store.append_audit(&event).await?;
            return Err(CoreError::InvalidCredentials);
        };
        self.take_back(Action::SignIn, &[place, Who::PortalAccount(account.id)])
            .await?;
        let secret = self.secrets(true).link.unwrap_or_default();
        self.store
            .create_portal_session(account.id, &token::digest(&secret), self.clock.now())
            .await?;
        let event = self
            .audit(AuditAction::PortalSignIn, AuditOutcome::Ok, ws)
            .client(account.client_id);
        self.store.append_audit(&event).await?;
        Ok(PortalSignIn {
            secret: Sensitive::new(secret),
            account,
        })
    }

    /// The account a portal cookie signs in, while its session lasts.
    pub async fn portal_session(&self, secret: &str) -> CoreResult<Option<PortalAccount>> {
        let Some(secret) = token::well_formed_link(secret) else {
            return Ok(None);
        };
        Ok(self
            .store
            .find_portal_session(&token::digest(secret))
            .await?)
    }

    pub async fn portal_sign_out(&self, secret: &str) -> CoreResult<()> {
        if let Some(secret) = token::well_formed_link(secret) {
            self.store
                .end_portal_session(&token::digest(secret), self.clock.now())
                .await?;
        }
        Ok(())
    }
}

/// Portal emails link to the clinic's web page: without its address they lead nowhere.
pub(super) fn require_clinic_url(settings: &Settings) -> CoreResult<()> {
    match settings.clinic.clinic_url {
        Some(_) => Ok(()),
        None => Err(CoreError::NotConfigured(
            "Set the clinic URL in Settings › Clinic first: the link in a patient-portal email \
             opens the clinic's web page there."
                .into(),
        )),
    }
}

/// An email of `kind` to a client, without secrets or expiry.
fn client_email(
    kind: EmailKind,
    settings: &Settings,
    client: &ClientRecord,
    recipient: String,
    now: Millis,
) -> NewEmail {
    let name = client::full_name(&client.first_name, &client.last_name);
    NewEmail {
        kind,
        staff_id: None,
        recipient: recipient.clone(),
        recipient_name: name.clone(),
        subject: kind.subject(&settings.clinic.name),
        params: EmailParams {
            display_name: name,
            username: recipient.to_lowercase(),
            expires_at: None,
            requested_by: None,
        },
        sealed: None,
        created_at: now,
    }
}
