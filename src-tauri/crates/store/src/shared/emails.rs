// What the SQLite and PostgreSQL `emails` modules share, included by both after their SQL.

use super::audit::{commit_with_audit, write};
use super::{
    begin_claim, begin_write, counter, fetch_all, fetch_optional, id_list, map, search, word,
    word_list, BackendStore, Conn, DbRow, Pool, RowsQuery,
};
use async_trait::async_trait;
use sqlx::Row;
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::outbox::{
    Claimant, DeliveredVia, EmailKind, EmailParams, EmailRecord, EmailStatus, NewEmail,
};
use vetdesk_core::ports::{EmailStore, OutboxStore, StoreResult};
use vetdesk_core::time::Millis;

row_type! {
    DbRow;
    DbEmail(EmailRecord), |row| {
        id, staff_id, token_id, recipient, recipient_name, subject, sealed, created_at, sent_at,
        last_error,
        kind: word(row, "kind", EmailKind::parse)?,
        token_live: token_live(row)?,
        params: params(row)?,
        status: word(row, "status", EmailStatus::parse)?,
        attempts: counter(row, "attempts")?,
        delivered_via: delivered_via(row)?,
    }
}

/// `None` for an email without a token; a token that is gone counts as not live.
fn token_live(row: &DbRow) -> sqlx::Result<Option<bool>> {
    let token_id: Option<i64> = row.try_get("token_id")?;
    let live: Option<bool> = row.try_get("token_live")?;
    Ok(token_id.map(|_| live.unwrap_or(false)))
}

fn delivered_via(row: &DbRow) -> sqlx::Result<Option<DeliveredVia>> {
    match row.try_get::<Option<String>, _>("delivered_via")? {
        Some(_) => word(row, "delivered_via", DeliveredVia::parse).map(Some),
        None => Ok(None),
    }
}

fn params(row: &DbRow) -> sqlx::Result<EmailParams> {
    let text: String = row.try_get("params")?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::ColumnDecode {
        index: "params".into(),
        source: e.into(),
    })
}

/// Queues `email`, following the staff reset token `token_id` if any; part of the caller's
/// transaction.
pub(super) async fn insert(
    conn: &mut Conn,
    email: &NewEmail,
    token_id: Option<i64>,
) -> sqlx::Result<i64> {
    insert_row(conn, email, token_id, None, None).await
}

/// Queues `email` to a client, following the portal link `portal_token_id` if any; part of the
/// caller's transaction.
pub(super) async fn insert_for_client(
    conn: &mut Conn,
    email: &NewEmail,
    client_id: i64,
    portal_token_id: Option<i64>,
) -> sqlx::Result<i64> {
    insert_row(conn, email, None, Some(client_id), portal_token_id).await
}

async fn insert_row(
    conn: &mut Conn,
    email: &NewEmail,
    token_id: Option<i64>,
    client_id: Option<i64>,
    portal_token_id: Option<i64>,
) -> sqlx::Result<i64> {
    let params = serde_json::to_string(&email.params).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query_scalar(INSERT)
        .bind(email.kind.as_str())
        .bind(email.staff_id)
        .bind(token_id)
        .bind(&email.recipient)
        .bind(&email.recipient_name)
        .bind(&email.subject)
        .bind(params)
        .bind(&email.sealed)
        .bind(email.created_at)
        .bind(client_id)
        .bind(portal_token_id)
        .fetch_one(conn)
        .await
}

async fn enqueue(pool: &Pool, email: &NewEmail, audit: &AuditEvent) -> sqlx::Result<i64> {
    let mut tx = begin_write(pool).await?;
    let id = insert(&mut tx, email, None).await?;
    commit_with_audit(tx, audit).await?;
    Ok(id)
}

/// The newest email of one of `kinds` that `query` finds by its first parameter.
async fn latest(
    pool: &Pool,
    query: RowsQuery<'_, DbEmail>,
    kinds: &[EmailKind],
) -> sqlx::Result<Option<EmailRecord>> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let kinds = word_list(&kinds);
    fetch_optional(pool, query.bind(kinds)).await
}

/// The newest email of one of `kinds` to the client.
pub(super) async fn latest_for_client(
    pool: &Pool,
    client_id: i64,
    kinds: &[EmailKind],
) -> sqlx::Result<Option<EmailRecord>> {
    latest(
        pool,
        sqlx::query_as(LATEST_FOR_CLIENT).bind(client_id),
        kinds,
    )
    .await
}

async fn claim(
    pool: &Pool,
    now: Millis,
    lease: Millis,
    limit: u32,
    by: &Claimant,
) -> sqlx::Result<Vec<EmailRecord>> {
    let mut tx = begin_claim(pool).await?;
    let ids: Vec<i64> = sqlx::query_scalar(CLAIM)
        .bind(now)
        .bind(now + lease)
        .bind(i64::from(limit))
        .bind(&by.workstation)
        .bind(&by.run)
        .fetch_all(&mut *tx)
        .await?;
    let claimed = sqlx::query_as::<_, DbEmail>(CLAIMED)
        .bind(now)
        .bind(id_list(&ids));
    let claimed = fetch_all(&mut *tx, claimed).await?;
    tx.commit().await?;
    Ok(claimed)
}

#[async_trait]
impl EmailStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn enqueue_email(&self, email: &NewEmail, audit: &AuditEvent) -> StoreResult<i64> {
        enqueue(&self.pool, email, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn latest_email_to(
        &self,
        recipient: &str,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        let query = sqlx::query_as(LATEST_TO).bind(recipient);
        latest(&self.pool, query, kinds).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn latest_email_for_staff(
        &self,
        staff_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        let query = sqlx::query_as(LATEST_FOR_STAFF).bind(staff_id);
        latest(&self.pool, query, kinds).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn list_emails(&self, query: &str, limit: u32) -> StoreResult<Vec<EmailRecord>> {
        search::<DbEmail, _>(&self.pool, SEARCH, query, limit)
            .await
            .map_err(map)
    }
}

/// The first dispatcher's key fingerprint is kept; later ones are compared with it.
async fn outbox_key(pool: &Pool, fingerprint: &str) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(RECORD_KEY)
        .bind(fingerprint)
        .execute(&mut *tx)
        .await?;
    let recorded: String = sqlx::query_scalar(RECORDED_KEY).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    Ok(recorded == fingerprint)
}

#[async_trait]
impl OutboxStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn claim_due_emails(
        &self,
        now: Millis,
        lease: Millis,
        limit: u32,
        by: &Claimant,
    ) -> StoreResult<Vec<EmailRecord>> {
        claim(&self.pool, now, lease, limit, by).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn release_dead_claims(&self, by: &Claimant) -> StoreResult<u64> {
        let released = sqlx::query(RELEASE_DEAD)
            .bind(&by.workstation)
            .bind(&by.run)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(released.rows_affected())
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_sent(
        &self,
        id: i64,
        now: Millis,
        message_id: &str,
        via: DeliveredVia,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let sent = sqlx::query(MARK_SENT)
            .bind(now)
            .bind(message_id)
            .bind(via.as_str())
            .bind(id);
        write(&self.pool, sent, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Millis>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let failed = sqlx::query(MARK_FAILED).bind(error).bind(retry_at).bind(id);
        write(&self.pool, failed, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_expired(&self, id: i64, audit: &AuditEvent) -> StoreResult<()> {
        let expired = sqlx::query(MARK_EXPIRED).bind(id);
        write(&self.pool, expired, audit).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn clinic_outbox_key(&self, fingerprint: &str) -> StoreResult<bool> {
        outbox_key(&self.pool, fingerprint).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn next_email_due(&self) -> StoreResult<Option<Millis>> {
        sqlx::query_scalar(NEXT_DUE)
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn emails_with_dead_tokens(&self, ids: &[i64], now: Millis) -> StoreResult<Vec<i64>> {
        sqlx::query_scalar(DEAD_TOKENS)
            .bind(now)
            .bind(id_list(ids))
            .fetch_all(&self.pool)
            .await
            .map_err(map)
    }
}
