//! `portal_accounts`, `portal_tokens` and `portal_sessions`: clients' patient-portal accounts,
//! the links that set their passwords and their sign-ins. Issuing a link and using one are each
//! a single transaction with the email they queue and the audit event.

use async_trait::async_trait;
use sqlx::{PgConnection, PgPool};
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::client::{
    NewPortalToken, PortalAccount, PortalAccountStatus, PortalIssued, PortalTokenRecord,
};
use vetdesk_core::outbox::{EmailKind, EmailRecord, NewEmail};
use vetdesk_core::ports::{PortalStore, StoreResult};
use vetdesk_core::time::Millis;
use vetdesk_core::token::Purpose;

use super::audit::commit_with_audit;
use super::{begin_write, emails, fetch_optional, word, PgStore};
use crate::error::map;

/// The account columns, read from `portal_accounts a` joined as `$rest` says.
macro_rules! select_accounts {
    ($rest:literal) => {
        concat!(
            "SELECT a.id, a.client_id, a.username, a.status, a.password_hash, a.created_at FROM ",
            $rest
        )
    };
}

/// The token columns with the client of the token's account, followed by `$rest`.
macro_rules! select_tokens {
    ($rest:literal) => {
        concat!(
            "SELECT t.id, t.account_id, a.client_id, t.purpose, t.created_at, t.expires_at, \
             t.used_at, t.revoked_at \
             FROM portal_tokens t JOIN portal_accounts a ON a.id = t.account_id ",
            $rest
        )
    };
}

const ACCOUNT_OF: &str = select_accounts!("portal_accounts a WHERE a.client_id = $1");
const ACCOUNT_NAMED: &str = select_accounts!("portal_accounts a WHERE a.username = $1");
/// `$1` the client, `$2` now.
const LIVE_TOKEN: &str = select_tokens!(
    "WHERE a.client_id = $1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > $2"
);
const TOKEN_BY_LINK: &str = select_tokens!("WHERE t.link_digest = $1");
const SESSION_ACCOUNT: &str = select_accounts!(
    "portal_sessions s JOIN portal_accounts a ON a.id = s.account_id \
     WHERE s.secret_digest = $1 AND s.ended_at IS NULL"
);
const ACCOUNT_ID_OF: &str = "SELECT id FROM portal_accounts WHERE client_id = $1";
const INSERT_ACCOUNT: &str = "INSERT INTO portal_accounts \
     (client_id, username, status, created_at) VALUES ($1, $2, 'invited', $3) RETURNING id";
const INSERT_TOKEN: &str = "INSERT INTO portal_tokens \
     (account_id, purpose, link_digest, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5) RETURNING id";
/// `$1` now, `$2` the client: every live link of the client's account is revoked.
const REVOKE_CLIENT: &str = "UPDATE portal_tokens SET revoked_at = $1 \
     WHERE account_id IN (SELECT id FROM portal_accounts WHERE client_id = $2) \
     AND used_at IS NULL AND revoked_at IS NULL";
/// `$1` the client: the emails of its portal links that have not gone out will not.
const EXPIRE_UNSENT: &str = "UPDATE emails SET status = 'expired', sealed = NULL, \
     next_attempt_at = NULL, claimed_until = NULL \
     WHERE client_id = $1 AND portal_token_id IS NOT NULL AND status IN ('queued', 'failed')";
/// The username follows the client's email.
const RENAME: &str = "UPDATE portal_accounts SET username = $1 WHERE client_id = $2";
/// `$1` now, `$2` the token's id; answers the account when the token was still live.
const CONSUME: &str = "UPDATE portal_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL \
     AND revoked_at IS NULL AND expires_at > $1 RETURNING account_id";
/// `$1` the hash, `$2` now, `$3` the account; answers its client. An account keeps the time it
/// first became active.
const SET_PASSWORD: &str = "UPDATE portal_accounts SET password_hash = $1, status = 'active', \
     activated_at = coalesce(activated_at, $2), password_changed_at = $2 WHERE id = $3 \
     RETURNING client_id";
/// `$1` now, `$2` the account, `$3` the token just used.
const REVOKE_OTHERS: &str = "UPDATE portal_tokens SET revoked_at = $1 WHERE account_id = $2 \
     AND id <> $3 AND used_at IS NULL AND revoked_at IS NULL";
const END_SESSIONS: &str = "UPDATE portal_sessions SET ended_at = $1 \
     WHERE account_id = $2 AND ended_at IS NULL";
const CREATE_SESSION: &str = "INSERT INTO portal_sessions (account_id, secret_digest, created_at) \
     VALUES ($1, $2, $3) RETURNING id";
const END_SESSION: &str = "UPDATE portal_sessions SET ended_at = $1 \
     WHERE secret_digest = $2 AND ended_at IS NULL";

row_type! {
    sqlx::postgres::PgRow;
    DbAccount(PortalAccount), |row| {
        id, client_id, username, password_hash, created_at,
        status: word(row, "status", PortalAccountStatus::parse)?,
    }
}

row_type! {
    sqlx::postgres::PgRow;
    DbPortalToken(PortalTokenRecord), |row| {
        id, account_id, client_id, created_at, expires_at, used_at, revoked_at,
        purpose: word(row, "purpose", Purpose::parse)?,
    }
}

/// Part of an email change's or a new link's transaction: the client's live links are revoked,
/// and their emails that have not gone out are expired with their secrets.
async fn revoke_links(conn: &mut PgConnection, client_id: i64, now: Millis) -> sqlx::Result<()> {
    sqlx::query(REVOKE_CLIENT)
        .bind(now)
        .bind(client_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(EXPIRE_UNSENT)
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Part of a client's email change: a portal account's username follows the new address (a
/// cleared address leaves the username as it was, since an account cannot be without one), and
/// its links, sent to the old address, are revoked. Nothing for a client without an account.
pub(super) async fn follow_email(
    conn: &mut PgConnection,
    client_id: i64,
    email: Option<&str>,
    now: Millis,
) -> sqlx::Result<()> {
    if let Some(email) = email {
        sqlx::query(RENAME)
            .bind(email.to_lowercase())
            .bind(client_id)
            .execute(&mut *conn)
            .await?;
    }
    revoke_links(conn, client_id, now).await
}

async fn issue(
    pool: &PgPool,
    token: &NewPortalToken,
    email: &NewEmail,
    audit: &AuditEvent,
) -> sqlx::Result<PortalIssued> {
    let mut tx = begin_write(pool).await?;
    let existing: Option<i64> = sqlx::query_scalar(ACCOUNT_ID_OF)
        .bind(token.client_id)
        .fetch_optional(&mut *tx)
        .await?;
    let (account_id, created_account) = match existing {
        Some(id) => (id, false),
        None => {
            let id = sqlx::query_scalar(INSERT_ACCOUNT)
                .bind(token.client_id)
                .bind(&token.username)
                .bind(token.created_at)
                .fetch_one(&mut *tx)
                .await?;
            (id, true)
        }
    };
    revoke_links(&mut tx, token.client_id, token.created_at).await?;
    let token_id: i64 = sqlx::query_scalar(INSERT_TOKEN)
        .bind(account_id)
        .bind(token.purpose.as_str())
        .bind(&token.link_digest)
        .bind(token.created_at)
        .bind(token.expires_at)
        .fetch_one(&mut *tx)
        .await?;
    let email_id =
        emails::insert_for_client(&mut tx, email, token.client_id, Some(token_id)).await?;
    commit_with_audit(tx, audit).await?;
    Ok(PortalIssued {
        account_id,
        token_id,
        email_id,
        created_account,
    })
}

/// `false` when the token was no longer live; nothing is then written.
async fn consume(
    pool: &PgPool,
    token_id: i64,
    password_hash: &str,
    now: Millis,
    email: Option<&NewEmail>,
    audit: &AuditEvent,
) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    let account_id: Option<i64> = sqlx::query_scalar(CONSUME)
        .bind(now)
        .bind(token_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(account_id) = account_id else {
        tx.rollback().await?;
        return Ok(false);
    };
    let client_id: i64 = sqlx::query_scalar(SET_PASSWORD)
        .bind(password_hash)
        .bind(now)
        .bind(account_id)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(REVOKE_OTHERS)
        .bind(now)
        .bind(account_id)
        .bind(token_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(END_SESSIONS)
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
    if let Some(e) = email {
        emails::insert_for_client(&mut tx, e, client_id, None).await?;
    }
    commit_with_audit(tx, audit).await?;
    Ok(true)
}

#[async_trait]
impl PortalStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn portal_account_of(&self, client_id: i64) -> StoreResult<Option<PortalAccount>> {
        let query = sqlx::query_as::<_, DbAccount>(ACCOUNT_OF).bind(client_id);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn portal_account_named(&self, username: &str) -> StoreResult<Option<PortalAccount>> {
        let query = sqlx::query_as::<_, DbAccount>(ACCOUNT_NAMED).bind(username);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn live_portal_token(
        &self,
        client_id: i64,
        now: Millis,
    ) -> StoreResult<Option<PortalTokenRecord>> {
        let query = sqlx::query_as::<_, DbPortalToken>(LIVE_TOKEN)
            .bind(client_id)
            .bind(now);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn issue_portal_token(
        &self,
        token: &NewPortalToken,
        email: &NewEmail,
        audit: &AuditEvent,
    ) -> StoreResult<PortalIssued> {
        issue(&self.pool, token, email, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn find_portal_token_by_link(
        &self,
        link_digest: &str,
    ) -> StoreResult<Option<PortalTokenRecord>> {
        let query = sqlx::query_as::<_, DbPortalToken>(TOKEN_BY_LINK).bind(link_digest);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn complete_portal_password(
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
    async fn latest_email_for_client(
        &self,
        client_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        emails::latest_for_client(&self.pool, client_id, kinds)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn create_portal_session(
        &self,
        account_id: i64,
        secret_digest: &str,
        now: Millis,
    ) -> StoreResult<i64> {
        sqlx::query_scalar(CREATE_SESSION)
            .bind(account_id)
            .bind(secret_digest)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn find_portal_session(&self, secret_digest: &str) -> StoreResult<Option<PortalAccount>> {
        let query = sqlx::query_as::<_, DbAccount>(SESSION_ACCOUNT).bind(secret_digest);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn end_portal_session(&self, secret_digest: &str, now: Millis) -> StoreResult<()> {
        sqlx::query(END_SESSION)
            .bind(now)
            .bind(secret_digest)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }
}
