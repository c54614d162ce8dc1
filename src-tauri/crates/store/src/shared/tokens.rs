// What the SQLite and PostgreSQL `tokens` modules share, included by both after their SQL.

use super::audit::{commit_with_audit, write};
use super::{
    begin_write, counter, emails, fetch_all, fetch_optional, id_list, map, sessions, staff, word,
    BackendStore, Conn, DbRow, Pool,
};
use async_trait::async_trait;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::outbox::NewEmail;
use vetdesk_core::ports::{Issued, StoreResult, TokenStore};
use vetdesk_core::time::Millis;
use vetdesk_core::token::{NewToken, Purpose, TokenRecord};

row_type! {
    DbRow;
    DbToken(TokenRecord), |row| {
        id, staff_id, code_digest, created_at, expires_at, used_at, revoked_at,
        purpose: word(row, "purpose", Purpose::parse)?,
        failed_attempts: counter(row, "failed_attempts")?,
    }
}

async fn issue(
    pool: &Pool,
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
    pool: &Pool,
    staff_id: i64,
    max_attempts: u32,
    now: Millis,
) -> sqlx::Result<Vec<TokenRecord>> {
    let mut tx = begin_write(pool).await?;
    let reserve = sqlx::query_as::<_, DbToken>(RESERVE_ATTEMPT)
        .bind(staff_id)
        .bind(now)
        .bind(i64::from(max_attempts));
    let reserved = fetch_all(&mut *tx, reserve).await?;
    tx.commit().await?;
    Ok(reserved)
}

async fn release_attempt(pool: &Pool, token_ids: &[i64]) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(RELEASE_ATTEMPT)
        .bind(id_list(token_ids))
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

async fn burn_spent(
    pool: &Pool,
    token_ids: &[i64],
    max_attempts: u32,
    now: Millis,
    audit: &AuditEvent,
) -> sqlx::Result<()> {
    let burn = sqlx::query(BURN_SPENT)
        .bind(i64::from(max_attempts))
        .bind(now)
        .bind(id_list(token_ids));
    write(pool, burn, audit).await
}

/// Part of an email or password change's transaction: every live token of the account is revoked, and the
/// emails of its tokens that have not gone out are expired with their secrets.
pub(super) async fn revoke_account(
    conn: &mut Conn,
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
    pool: &Pool,
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
    pool: &Pool,
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
impl TokenStore for BackendStore {
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
