//! `reset_tokens`: password reset links and codes. Issuing one and using one are each a single
//! transaction with the email they queue and the audit event.

use async_trait::async_trait;
use sqlx::SqlitePool;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::outbox::NewEmail;
use vetdesk_core::ports::{Issued, StoreResult, TokenStore};
use vetdesk_core::time::Millis;
use vetdesk_core::token::{NewToken, Purpose, TokenRecord};

use super::audit::{commit_with_audit, write};
use super::{
    begin_write, counter, emails, fetch_all, fetch_optional, json_list, sessions, staff, word,
    SqliteStore,
};
use crate::error::map;

/// One live token per account and purpose: the new one replaces the old.
const REVOKE_SAME_PURPOSE: &str = "UPDATE reset_tokens SET revoked_at = ? \
     WHERE staff_id = ? AND purpose = ? AND used_at IS NULL AND revoked_at IS NULL";
const INSERT: &str = "INSERT INTO reset_tokens \
     (staff_id, purpose, link_digest, code_digest, created_at, expires_at) \
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
const BY_LINK: &str = "SELECT id, staff_id, purpose, code_digest, created_at, expires_at, \
     used_at, revoked_at, failed_attempts FROM reset_tokens WHERE link_digest = ?";
const LIVE_CODES: &str = "SELECT id, staff_id, purpose, code_digest, created_at, expires_at, \
     used_at, revoked_at, failed_attempts FROM reset_tokens WHERE staff_id = ? \
     AND code_digest IS NOT NULL AND used_at IS NULL AND revoked_at IS NULL \
     AND expires_at > ? ORDER BY id";
/// `?1` the most wrong codes a token takes, `?2` now, `?3` the tokens' ids as a JSON array.
const COUNT_FAILURE: &str = "UPDATE reset_tokens SET failed_attempts = failed_attempts + 1, \
     revoked_at = CASE WHEN failed_attempts + 1 >= ?1 THEN ?2 ELSE revoked_at END \
     WHERE id IN (SELECT value FROM json_each(?3)) AND used_at IS NULL AND revoked_at IS NULL";
/// `?1` now, `?2` the token's id; answers the account when the token was still live.
const CONSUME: &str = "UPDATE reset_tokens SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL \
     AND revoked_at IS NULL AND expires_at > ?1 RETURNING staff_id";
const REVOKE_OTHERS: &str = "UPDATE reset_tokens SET revoked_at = ? WHERE staff_id = ? \
     AND id <> ? AND used_at IS NULL AND revoked_at IS NULL";

row_type! {
    DbToken(TokenRecord), |row| {
        id, staff_id, code_digest, created_at, expires_at, used_at, revoked_at,
        purpose: word(row, "purpose", Purpose::parse)?,
        failed_attempts: counter(row, "failed_attempts")?,
    }
}

async fn issue(
    pool: &SqlitePool,
    token: &NewToken,
    email: Option<&NewEmail>,
    audit: &AuditEvent,
) -> sqlx::Result<Issued> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(REVOKE_SAME_PURPOSE)
        .bind(token.created_at)
        .bind(token.staff_id)
        .bind(token.purpose.as_str())
        .execute(&mut *tx)
        .await?;
    let token_id: i64 = sqlx::query_scalar(INSERT)
        .bind(token.staff_id)
        .bind(token.purpose.as_str())
        .bind(&token.link_digest)
        .bind(&token.code_digest)
        .bind(token.created_at)
        .bind(token.expires_at)
        .fetch_one(&mut *tx)
        .await?;
    let email_id = match email {
        Some(e) => Some(emails::insert(&mut tx, e, Some(token_id)).await?),
        None => None,
    };
    commit_with_audit(tx, audit).await?;
    Ok(Issued { token_id, email_id })
}

async fn count_failure(
    pool: &SqlitePool,
    token_ids: &[i64],
    max_attempts: u32,
    now: Millis,
    audit: &AuditEvent,
) -> sqlx::Result<()> {
    let count = sqlx::query(COUNT_FAILURE)
        .bind(max_attempts)
        .bind(now)
        .bind(json_list(token_ids.iter().copied()));
    write(pool, count, audit).await
}

/// `false` when the token was no longer live; nothing is then written.
async fn consume(
    pool: &SqlitePool,
    token_id: i64,
    password_hash: &str,
    now: Millis,
    email: Option<&NewEmail>,
    audit: &AuditEvent,
) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    let staff_id: Option<i64> = sqlx::query_scalar(CONSUME)
        .bind(now)
        .bind(token_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(staff_id) = staff_id else {
        tx.rollback().await?;
        return Ok(false);
    };
    staff::set_password(&mut tx, staff_id, password_hash, now).await?;
    sqlx::query(REVOKE_OTHERS)
        .bind(now)
        .bind(staff_id)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    sessions::end_all(&mut tx, staff_id, now).await?;
    if let Some(e) = email {
        emails::insert(&mut tx, e, None).await?;
    }
    commit_with_audit(tx, audit).await?;
    Ok(true)
}

#[async_trait]
impl TokenStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn issue_token(
        &self,
        token: &NewToken,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<Issued> {
        issue(&self.pool, token, email, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn find_token_by_link(&self, link_digest: &str) -> StoreResult<Option<TokenRecord>> {
        let query = sqlx::query_as::<_, DbToken>(BY_LINK).bind(link_digest);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn live_code_tokens(&self, staff_id: i64, now: Millis) -> StoreResult<Vec<TokenRecord>> {
        let query = sqlx::query_as::<_, DbToken>(LIVE_CODES)
            .bind(staff_id)
            .bind(now);
        fetch_all(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn record_code_failure(
        &self,
        token_ids: &[i64],
        max_attempts: u32,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        count_failure(&self.pool, token_ids, max_attempts, now, audit)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn complete_reset(
        &self,
        token_id: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        consume(&self.pool, token_id, password_hash, now, email, audit)
            .await
            .map_err(map)
    }
}
