//! Reset tokens: issuing, finding, counting wrong codes, the reset that consumes one and the
//! signed-in password change that revokes them.

use async_trait::async_trait;

use crate::audit::AuditEvent;
use crate::error::StoreError;
use crate::outbox::{EmailStatus, NewEmail};
use crate::ports::{Issued, StoreResult, TokenStore};
use crate::time::Millis;
use crate::token::{NewToken, TokenRecord};

use super::{index, next_id, MemoryStore, State, Token};

/// Neither used nor revoked; expiry aside, as the SQL updates select them.
fn open(t: &TokenRecord) -> bool {
    t.used_at.is_none() && t.revoked_at.is_none()
}

impl State {
    /// Revokes every open token of the account, and expires the emails of its tokens that are
    /// queued or failed: none of them will be sent.
    pub(super) fn revoke_account_tokens(&mut self, staff_id: i64, now: Millis) {
        for t in self.tokens.iter_mut().map(|t| &mut t.record) {
            if t.staff_id == staff_id && open(t) {
                t.revoked_at = Some(now);
            }
        }
        let account: Vec<i64> = self
            .tokens
            .iter()
            .filter(|t| t.record.staff_id == staff_id)
            .map(|t| t.record.id)
            .collect();
        for row in &mut self.emails {
            let unsent = matches!(row.record.status, EmailStatus::Queued | EmailStatus::Failed);
            if unsent && row.record.token_id.is_some_and(|id| account.contains(&id)) {
                row.record.status = EmailStatus::Expired;
                row.record.sealed = None;
                row.next_attempt_at = None;
                row.claimed_until = None;
            }
        }
    }
}

#[async_trait]
impl TokenStore for MemoryStore {
    async fn issue_token(
        &self,
        token: &NewToken,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<Issued> {
        let mut state = self.lock();
        state.check_staff(Some(token.staff_id))?;
        state.check_staff(email.and_then(|e| e.staff_id))?;
        state.check_audit(audit)?;
        if token.expires_at <= token.created_at
            || (token.link_digest.is_none() && token.code_digest.is_none())
        {
            return Err(StoreError::Other(
                "CHECK constraint failed: reset_tokens".into(),
            ));
        }
        if token.link_digest.is_some()
            && state
                .tokens
                .iter()
                .any(|t| t.link_digest == token.link_digest)
        {
            return Err(StoreError::Conflict(
                "UNIQUE constraint failed: reset_tokens.link_digest".into(),
            ));
        }
        for t in state.tokens.iter_mut().map(|t| &mut t.record) {
            if t.staff_id == token.staff_id && t.purpose == token.purpose && open(t) {
                t.revoked_at = Some(token.created_at);
            }
        }
        let token_id = next_id(&state.tokens);
        state.tokens.push(Token {
            record: TokenRecord {
                id: token_id,
                staff_id: token.staff_id,
                purpose: token.purpose,
                code_digest: token.code_digest.clone(),
                created_at: token.created_at,
                expires_at: token.expires_at,
                used_at: None,
                revoked_at: None,
                failed_attempts: 0,
            },
            link_digest: token.link_digest.clone(),
        });
        // Only an email that carries the token's secrets is the token's own.
        let email_id = email.map(|e| state.push_email(e, e.sealed.is_some().then_some(token_id)));
        state.audit.push(audit.clone());
        Ok(Issued { token_id, email_id })
    }

    async fn find_token_by_link(&self, link_digest: &str) -> StoreResult<Option<TokenRecord>> {
        Ok(self
            .lock()
            .tokens
            .iter()
            .find(|t| t.link_digest.as_deref() == Some(link_digest))
            .map(|t| t.record.clone()))
    }

    async fn reserve_code_attempt(
        &self,
        staff_id: i64,
        max_attempts: u32,
        now: Millis,
    ) -> StoreResult<Vec<TokenRecord>> {
        let mut state = self.lock();
        let mut reserved = Vec::new();
        for t in state.tokens.iter_mut().map(|t| &mut t.record) {
            if t.staff_id == staff_id
                && t.code_digest.is_some()
                && t.is_live(now)
                && t.failed_attempts < max_attempts
            {
                t.failed_attempts += 1;
                reserved.push(t.clone());
            }
        }
        Ok(reserved)
    }

    async fn release_code_attempt(&self, token_ids: &[i64]) -> StoreResult<()> {
        let mut state = self.lock();
        for t in state.tokens.iter_mut().map(|t| &mut t.record) {
            if token_ids.contains(&t.id) {
                t.failed_attempts = t.failed_attempts.saturating_sub(1);
            }
        }
        Ok(())
    }

    async fn record_wrong_code(
        &self,
        token_ids: &[i64],
        max_attempts: u32,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        self.write(audit, |state| {
            for t in &mut state.tokens {
                let spent = token_ids.contains(&t.record.id)
                    && open(&t.record)
                    && t.record.failed_attempts >= max_attempts;
                if !spent {
                    continue;
                }
                // A token's digests cannot both be empty: one without a link is revoked whole.
                if t.link_digest.is_some() {
                    t.record.code_digest = None;
                } else {
                    t.record.revoked_at = Some(now);
                }
            }
        })
    }

    async fn complete_reset(
        &self,
        token_id: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let mut state = self.lock();
        let Some(staff_id) = state
            .token(token_id)
            .filter(|t| t.record.is_live(now))
            .map(|t| t.record.staff_id)
        else {
            return Ok(false);
        };
        state.check_staff(Some(staff_id))?;
        state.check_staff(email.and_then(|e| e.staff_id))?;
        state.check_audit(audit)?;
        for s in state.staff.iter_mut().filter(|s| s.id == staff_id) {
            s.password_hash = password_hash.to_string();
        }
        for t in state.tokens.iter_mut().map(|t| &mut t.record) {
            if t.id == token_id {
                t.used_at = Some(now);
            } else if t.staff_id == staff_id && open(t) {
                t.revoked_at = Some(now);
            }
        }
        for s in state.sessions.iter_mut().filter(|s| s.staff_id == staff_id) {
            s.ended_at.get_or_insert(now);
        }
        if let Some(e) = email {
            state.push_email(e, None);
        }
        state.audit.push(audit.clone());
        Ok(true)
    }

    async fn change_password(
        &self,
        staff_id: i64,
        keep_session: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut state = self.lock();
        state.check_staff(Some(staff_id))?;
        state.check_staff(email.and_then(|e| e.staff_id))?;
        state.check_audit(audit)?;
        for s in state.staff.iter_mut().filter(|s| s.id == staff_id) {
            s.password_hash = password_hash.to_string();
        }
        state.revoke_account_tokens(staff_id, now);
        let keep = index(keep_session);
        for (i, s) in state.sessions.iter_mut().enumerate() {
            if s.staff_id == staff_id && Some(i) != keep {
                s.ended_at.get_or_insert(now);
            }
        }
        if let Some(e) = email {
            state.push_email(e, None);
        }
        state.audit.push(audit.clone());
        Ok(())
    }
}
