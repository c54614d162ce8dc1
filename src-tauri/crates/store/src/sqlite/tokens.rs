//! `reset_tokens`: password reset links and codes. Issuing one and using one are each a single
//! transaction with the email they queue and the audit event.

use async_trait::async_trait;
use sqlx::{SqliteConnection, SqlitePool};
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
/// `?1` the account, `?2` now, `?3` the most attempts a code takes: one more attempt on each of
/// the account's live codes that has one left, and those codes.
const RESERVE_ATTEMPT: &str = "UPDATE reset_tokens SET failed_attempts = failed_attempts + 1 \
     WHERE staff_id = ?1 AND code_digest IS NOT NULL AND used_at IS NULL AND revoked_at IS NULL \
     AND expires_at > ?2 AND failed_attempts < ?3 \
     RETURNING id, staff_id, purpose, code_digest, created_at, expires_at, used_at, revoked_at, \
     failed_attempts";
/// `?1` the tokens' ids as a JSON array.
const RELEASE_ATTEMPT: &str = "UPDATE reset_tokens SET failed_attempts = failed_attempts - 1 \
     WHERE id IN (SELECT value FROM json_each(?1)) AND failed_attempts > 0";
/// `?1` the most attempts a code takes, `?2` now, `?3` the tokens' ids as a JSON array. A
/// token's digests cannot both be empty, so one without a link is revoked whole.
const BURN_SPENT: &str = "UPDATE reset_tokens \
     SET code_digest = CASE WHEN link_digest IS NULL THEN code_digest END, \
     revoked_at = CASE WHEN link_digest IS NULL THEN ?2 ELSE revoked_at END \
     WHERE id IN (SELECT value FROM json_each(?3)) AND failed_attempts >= ?1 \
     AND used_at IS NULL AND revoked_at IS NULL";
/// `?1` now, `?2` the account.
const REVOKE_ACCOUNT: &str = "UPDATE reset_tokens SET revoked_at = ?1 \
     WHERE staff_id = ?2 AND used_at IS NULL AND revoked_at IS NULL";
/// `?1` the account: its tokens' emails still waiting to go out will not.
const EXPIRE_UNSENT: &str = "UPDATE emails SET status = 'expired', sealed = NULL, \
     next_attempt_at = NULL, claimed_until = NULL WHERE status IN ('queued', 'failed') \
     AND token_id IN (SELECT id FROM reset_tokens WHERE staff_id = ?1)";
/// `?1` now, `?2` the token's id; answers the account when the token was still live.
const CONSUME: &str = "UPDATE reset_tokens SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL \
     AND revoked_at IS NULL AND expires_at > ?1 RETURNING staff_id";
const REVOKE_OTHERS: &str = "UPDATE reset_tokens SET revoked_at = ? WHERE staff_id = ? \
     AND id <> ? AND used_at IS NULL AND revoked_at IS NULL";

row_type! {
    sqlx::sqlite::SqliteRow;
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
        // Only an email that carries the token's secrets is the token's own.
        Some(e) => {
            let own = e.sealed.is_some().then_some(token_id);
            Some(emails::insert(&mut tx, e, own).await?)
        }
        None => None,
    };
    commit_with_audit(tx, audit).await?;
    Ok(Issued { token_id, email_id })
}

async fn reserve_attempt(
    pool: &SqlitePool,
    staff_id: i64,
    max_attempts: u32,
    now: Millis,
) -> sqlx::Result<Vec<TokenRecord>> {
    let mut tx = begin_write(pool).await?;
    let reserve = sqlx::query_as::<_, DbToken>(RESERVE_ATTEMPT)
        .bind(staff_id)
        .bind(now)
        .bind(max_attempts);
    let reserved = fetch_all(&mut *tx, reserve).await?;
    tx.commit().await?;
    Ok(reserved)
}

async fn release_attempt(pool: &SqlitePool, token_ids: &[i64]) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(RELEASE_ATTEMPT)
        .bind(json_list(token_ids.iter().copied()))
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn burn_spent(
    pool: &SqlitePool,
    token_ids: &[i64],
    max_attempts: u32,
    now: Millis,
    audit: &AuditEvent,
) -> sqlx::Result<()> {
    let burn = sqlx::query(BURN_SPENT)
        .bind(max_attempts)
        .bind(now)
        .bind(json_list(token_ids.iter().copied()));
    write(pool, burn, audit).await
}

/// Part of an email or password change's transaction: every live token of the account is revoked, and the
/// emails of its tokens that have not gone out are expired with their secrets.
pub(super) async fn revoke_account(
    conn: &mut SqliteConnection,
    staff_id: i64,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(REVOKE_ACCOUNT)
        .bind(now)
        .bind(staff_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(EXPIRE_UNSENT)
        .bind(staff_id)
        .execute(conn)
        .await?;
    Ok(())
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

/// A signed-in change: unlike a reset, no token is consumed and the session it came from stays.
async fn change(
    pool: &SqlitePool,
    staff_id: i64,
    keep_session: i64,
    password_hash: &str,
    now: Millis,
    email: Option<&NewEmail>,
    audit: &AuditEvent,
) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    staff::set_password(&mut tx, staff_id, password_hash, now).await?;
    revoke_account(&mut tx, staff_id, now).await?;
    sessions::end_others(&mut tx, staff_id, keep_session, now).await?;
    if let Some(e) = email {
        emails::insert(&mut tx, e, None).await?;
    }
    commit_with_audit(tx, audit).await
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
    async fn reserve_code_attempt(
        &self,
        staff_id: i64,
        max_attempts: u32,
        now: Millis,
    ) -> StoreResult<Vec<TokenRecord>> {
        reserve_attempt(&self.pool, staff_id, max_attempts, now)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn release_code_attempt(&self, token_ids: &[i64]) -> StoreResult<()> {
        release_attempt(&self.pool, token_ids).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn record_wrong_code(
        &self,
        token_ids: &[i64],
        max_attempts: u32,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        burn_spent(&self.pool, token_ids, max_attempts, now, audit)
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

    #[tracing::instrument(skip_all)]
    async fn change_password(
        &self,
        staff_id: i64,
        keep_session: i64,
        password_hash: &str,
        now: Millis,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        change(
            &self.pool,
            staff_id,
            keep_session,
            password_hash,
            now,
            email,
            audit,
        )
        .await
        .map_err(map)
    }
}
