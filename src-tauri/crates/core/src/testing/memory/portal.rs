//! Patient-portal accounts, their links and their sign-ins.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::client::{
    NewPortalToken, PortalAccount, PortalAccountStatus, PortalIssued, PortalTokenRecord,
};
use crate::error::StoreError;
use crate::outbox::{EmailKind, EmailRecord, EmailStatus, NewEmail};
use crate::ports::{PortalStore, StoreResult};
use crate::time::Millis;
use crate::token::Purpose;

use super::{check_failed, foreign_key, index, next_id, MemoryStore, PortalSession, PortalToken};
use super::{State, READ_NOW};

/// Neither used nor revoked; expiry aside, as the SQL updates select them.
fn open(t: &PortalTokenRecord) -> bool {
    t.used_at.is_none() && t.revoked_at.is_none()
}

/// The schema's `length(...) = 64` on digests (SQLite counts characters).
fn check_digest(digest: &str, table: &str) -> StoreResult<()> {
    if digest.chars().count() == 64 {
        Ok(())
    } else {
        Err(check_failed(table))
    }
}

fn unique(column: &str) -> StoreError {
    StoreError::Conflict(format!("UNIQUE constraint failed: {column}"))
}

impl State {
    pub(super) fn account_of(&self, client_id: i64) -> Option<&PortalAccount> {
        self.portal_accounts
            .iter()
            .find(|a| a.client_id == client_id)
    }

    pub(super) fn account_of_mut(&mut self, client_id: i64) -> Option<&mut PortalAccount> {
        self.portal_accounts
            .iter_mut()
            .find(|a| a.client_id == client_id)
    }

    fn account(&self, id: i64) -> Option<&PortalAccount> {
        self.portal_accounts.get(index(id)?)
    }

    pub(super) fn portal_token(&self, id: i64) -> Option<&PortalToken> {
        self.portal_tokens.get(index(id)?)
    }

    /// Whether `client_id`'s account may take `username`: the schema's check (lower case, 1 to
    /// 254 characters) and no other client's account has it.
    pub(super) fn check_username(&self, client_id: i64, username: &str) -> StoreResult<()> {
        let length = username.chars().count();
        if username.to_ascii_lowercase() != username || !(1..=254).contains(&length) {
            return Err(check_failed("portal_accounts"));
        }
        let taken = self
            .portal_accounts
            .iter()
            .any(|a| a.username == username && a.client_id != client_id);
        if taken {
            return Err(unique("portal_accounts.username"));
        }
        Ok(())
    }

    /// Revokes every open link of the client's account, and expires the client's portal emails
    /// that are queued or failed: none of them will be sent.
    pub(super) fn revoke_client_links(&mut self, client_id: i64, now: Millis) {
        let Some(account_id) = self.account_of(client_id).map(|a| a.id) else {
            return;
        };
        for t in self.portal_tokens.iter_mut().map(|t| &mut t.record) {
            if t.account_id == account_id && open(t) {
                t.revoked_at = Some(now);
            }
        }
        for row in &mut self.emails {
            let unsent = matches!(row.record.status, EmailStatus::Queued | EmailStatus::Failed);
            if unsent && row.client_id == Some(client_id) && row.portal_token_id.is_some() {
                row.record.status = EmailStatus::Expired;
                row.record.sealed = None;
                row.next_attempt_at = None;
                row.claimed_until = None;
            }
        }
    }

    /// Queues `email` to a client, following the portal link `portal_token_id` if any. The
    /// caller has checked its references.
    fn push_client_email(
        &mut self,
        email: &NewEmail,
        client_id: i64,
        portal_token_id: Option<i64>,
    ) -> i64 {
        let id = self.push_email(email, portal_token_id);
        if let Some(row) = self.emails.last_mut() {
            row.client_id = Some(client_id);
            row.portal_token_id = portal_token_id;
        }
        id
    }

    /// Checks everything about a new link that the schema would refuse.
    fn check_new_token(&self, token: &NewPortalToken) -> StoreResult<()> {
        if !matches!(token.purpose, Purpose::PortalInvite | Purpose::PortalReset)
            || token.expires_at <= token.created_at
        {
            return Err(check_failed("portal_tokens"));
        }
        check_digest(&token.link_digest, "portal_tokens")?;
        if self
            .portal_tokens
            .iter()
            .any(|t| t.link_digest == token.link_digest)
        {
            return Err(unique("portal_tokens.link_digest"));
        }
        Ok(())
    }
}

#[async_trait]
impl PortalStore for MemoryStore {
    async fn portal_account_of(&self, client_id: i64) -> StoreResult<Option<PortalAccount>> {
        Ok(self.lock().account_of(client_id).cloned())
    }

    async fn portal_account_named(&self, username: &str) -> StoreResult<Option<PortalAccount>> {
        Ok(self
            .lock()
            .portal_accounts
            .iter()
            .find(|a| a.username == username)
            .cloned())
    }

    async fn live_portal_token(
        &self,
        client_id: i64,
        now: Millis,
    ) -> StoreResult<Option<PortalTokenRecord>> {
        Ok(self
            .lock()
            .portal_tokens
            .iter()
            .find(|t| t.record.client_id == client_id && t.record.is_live(now))
            .map(|t| t.record.clone()))
    }

    async fn issue_portal_token(
        &self,
        token: &NewPortalToken,
        email: &NewEmail,
        audit: &AuditEvent,
    ) -> StoreResult<PortalIssued> {
        let mut state = self.lock();
        state.check_client(Some(token.client_id))?;
        let existing = state.account_of(token.client_id).map(|a| a.id);
        if existing.is_none() {
            state.check_username(token.client_id, &token.username)?;
        }
        state.check_new_token(token)?;
        state.check_staff(email.staff_id)?;
        state.check_audit(audit)?;

        let (account_id, created_account) = match existing {
            Some(id) => (id, false),
            None => {
                let id = next_id(&state.portal_accounts);
                state.portal_accounts.push(PortalAccount {
                    id,
                    client_id: token.client_id,
                    username: token.username.clone(),
                    status: PortalAccountStatus::Invited,
                    password_hash: None,
                    created_at: token.created_at,
                });
                (id, true)
            }
        };
        state.revoke_client_links(token.client_id, token.created_at);
        let token_id = next_id(&state.portal_tokens);
        state.portal_tokens.push(PortalToken {
            record: PortalTokenRecord {
                id: token_id,
                account_id,
                client_id: token.client_id,
                purpose: token.purpose,
                created_at: token.created_at,
                expires_at: token.expires_at,
                used_at: None,
                revoked_at: None,
            },
            link_digest: token.link_digest.clone(),
        });
        let email_id = state.push_client_email(email, token.client_id, Some(token_id));
        state.audit.push(audit.clone());
        Ok(PortalIssued {
            account_id,
            token_id,
            email_id,
            created_account,
        })
    }

    async fn find_portal_token_by_link(
        &self,
        link_digest: &str,
    ) -> StoreResult<Option<PortalTokenRecord>> {
        Ok(self
            .lock()
            .portal_tokens
            .iter()
            .find(|t| t.link_digest == link_digest)
            .map(|t| t.record.clone()))
    }

    async fn complete_portal_password(
        &self,
        token_id: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let mut state = self.lock();
        let Some(account_id) = state
            .portal_token(token_id)
            .filter(|t| t.record.is_live(now))
            .map(|t| t.record.account_id)
        else {
            return Ok(false);
        };
        let Some(client_id) = state.account(account_id).map(|a| a.client_id) else {
            return Err(foreign_key());
        };
        state.check_staff(email.and_then(|e| e.staff_id))?;
        state.check_audit(audit)?;

        for a in state
            .portal_accounts
            .iter_mut()
            .filter(|a| a.id == account_id)
        {
            a.password_hash = Some(password_hash.to_string());
            a.status = PortalAccountStatus::Active;
        }
        for t in state.portal_tokens.iter_mut().map(|t| &mut t.record) {
            if t.id == token_id {
                t.used_at = Some(now);
            } else if t.account_id == account_id && open(t) {
                t.revoked_at = Some(now);
            }
        }
        for s in state
            .portal_sessions
            .iter_mut()
            .filter(|s| s.account_id == account_id)
        {
            s.ended_at.get_or_insert(now);
        }
        if let Some(e) = email {
            state.push_client_email(e, client_id, None);
        }
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn latest_email_for_client(
        &self,
        client_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        let state = self.lock();
        Ok(state
            .emails
            .iter()
            .filter(|r| r.client_id == Some(client_id) && kinds.contains(&r.record.kind))
            .max_by_key(|r| (r.record.created_at, r.record.id))
            .map(|r| state.record(r, READ_NOW)))
    }

    async fn create_portal_session(
        &self,
        account_id: i64,
        secret_digest: &str,
        _now: Millis,
    ) -> StoreResult<i64> {
        let mut state = self.lock();
        if state.account(account_id).is_none() {
            return Err(foreign_key());
        }
        check_digest(secret_digest, "portal_sessions")?;
        if state
            .portal_sessions
            .iter()
            .any(|s| s.secret_digest == secret_digest)
        {
            return Err(unique("portal_sessions.secret_digest"));
        }
        state.portal_sessions.push(PortalSession {
            account_id,
            secret_digest: secret_digest.to_string(),
            ended_at: None,
        });
        Ok(state.portal_sessions.len() as i64)
    }

    async fn find_portal_session(&self, secret_digest: &str) -> StoreResult<Option<PortalAccount>> {
        let state = self.lock();
        Ok(state
            .portal_sessions
            .iter()
            .find(|s| s.secret_digest == secret_digest && s.ended_at.is_none())
            .and_then(|s| state.account(s.account_id))
            .cloned())
    }

    async fn end_portal_session(&self, secret_digest: &str, now: Millis) -> StoreResult<()> {
        let mut state = self.lock();
        for s in state
            .portal_sessions
            .iter_mut()
            .filter(|s| s.secret_digest == secret_digest && s.ended_at.is_none())
        {
            s.ended_at = Some(now);
        }
        Ok(())
    }
}
