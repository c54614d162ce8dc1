// What the SQLite and PostgreSQL `portal` modules share, included by both after their SQL.

use super::audit::commit_with_audit;
use super::{begin_write, emails, fetch_optional, map, word, BackendStore, Conn, DbRow, Pool};
use async_trait::async_trait;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::client::{
    NewPortalToken, PortalAccount, PortalAccountStatus, PortalIssued, PortalTokenRecord,
};
use vetdesk_core::outbox::{EmailKind, EmailRecord, NewEmail};
use vetdesk_core::ports::{PortalStore, StoreResult};
use vetdesk_core::time::Millis;
use vetdesk_core::token::Purpose;

row_type! {
    DbRow;
    DbAccount(PortalAccount), |row| {
        id, client_id, username, password_hash, created_at,
        status: word(row, "status", PortalAccountStatus::parse)?,
    }
}

row_type! {
    DbRow;
    DbPortalToken(PortalTokenRecord), |row| {
        id, account_id, client_id, created_at, expires_at, used_at, revoked_at,
        purpose: word(row, "purpose", Purpose::parse)?,
    }
}

/// Part of an email change's or a new link's transaction: the client's live links are revoked,
/// and their emails that have not gone out are expired with their secrets.
async fn revoke_links(conn: &mut Conn, client_id: i64, now: Millis) -> sqlx::Result<()> {
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
    conn: &mut Conn,
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
    pool: &Pool,
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
    pool: &Pool,
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
impl PortalStore for BackendStore {
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
