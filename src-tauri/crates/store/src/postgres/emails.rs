//! `emails`: the outbox. The screens queue and list emails ([`EmailStore`]); the dispatchers
//! claim the due ones and record how each attempt ended ([`OutboxStore`]). Several dispatchers
//! (workstations and vetdesk-server) claim from one table: each claim locks its rows and skips
//! rows another dispatcher has locked, and holds them for a lease.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use vetdesk_core::audit::AuditEvent;
use vetdesk_core::outbox::{
    Claimant, DeliveredVia, EmailKind, EmailParams, EmailRecord, EmailStatus, NewEmail,
};
use vetdesk_core::ports::{EmailStore, OutboxStore, StoreResult};
use vetdesk_core::time::Millis;

use super::audit::{commit_with_audit, write};
use super::{begin_write, counter, fetch_all, fetch_optional, search, word, PgStore, RowsQuery};
use crate::error::map;

/// The email columns and whether the email's token is still live at `$now` (an SQL expression),
/// followed by `$rest`, as one string literal. The screens ask only whether a link was used or
/// replaced (`live at "0"`); the dispatcher, about to send it, also asks whether it has expired.
/// An email's token is a staff reset token or a portal link, never both; `token_id` is
/// whichever it has, and the email's kind says which.
macro_rules! select_emails {
    (live at $now:literal, $rest:literal) => {
        concat!(
            "SELECT e.id, e.kind, e.staff_id, coalesce(e.token_id, e.portal_token_id) AS token_id, \
             CASE WHEN t.id IS NOT NULL THEN (t.used_at IS NULL AND t.revoked_at IS NULL \
             AND t.expires_at > ",
            $now,
            ") WHEN p.id IS NOT NULL THEN (p.used_at IS NULL AND p.revoked_at IS NULL \
             AND p.expires_at > ",
            $now,
            ") END AS token_live, e.recipient, e.recipient_name, e.subject, e.params, e.sealed, \
             e.status, e.attempts, e.created_at, e.sent_at, e.delivered_via, e.last_error \
             FROM emails e LEFT JOIN reset_tokens t ON t.id = e.token_id \
             LEFT JOIN portal_tokens p ON p.id = e.portal_token_id ",
            $rest
        )
    };
}

const INSERT: &str = "INSERT INTO emails (kind, staff_id, token_id, recipient, recipient_name, \
     subject, params, sealed, status, attempts, next_attempt_at, created_at, client_id, \
     portal_token_id) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $9, $10, $11) RETURNING id";
/// `$1` the recipient (lower case), `$2` the kinds.
const LATEST_TO: &str = select_emails!(live at "0",
    "WHERE lower(e.recipient) = $1 AND e.kind = ANY($2) \
     ORDER BY e.created_at DESC, e.id DESC LIMIT 1");
/// `$1` the staff id, `$2` the kinds.
const LATEST_FOR_STAFF: &str = select_emails!(live at "0",
    "WHERE e.staff_id = $1 AND e.kind = ANY($2) ORDER BY e.created_at DESC, e.id DESC LIMIT 1");
/// `$1` the client, `$2` the kinds.
const LATEST_FOR_CLIENT: &str = select_emails!(live at "0",
    "WHERE e.client_id = $1 AND e.kind = ANY($2) ORDER BY e.created_at DESC, e.id DESC LIMIT 1");
const SEARCH: &str = select_emails!(live at "0",
    "WHERE $1 = '' OR e.recipient ILIKE $2 OR e.recipient_name ILIKE $2 OR e.status ILIKE $2 \
     OR e.kind ILIKE $2 OR e.subject ILIKE $2 \
     ORDER BY e.id DESC LIMIT $3");
/// `$1` now, `$2` the end of the lease, `$3` the limit, `$4` the dispatcher's workstation,
/// `$5` its run; answers the claimed ids. Rows another dispatcher is claiming are skipped, and a
/// row claimed meanwhile is read again and left out.
const CLAIM: &str = "UPDATE emails SET status = 'sending', claimed_until = $2, claimed_by = $4, \
     claim_run = $5 WHERE id IN \
     (SELECT id FROM emails WHERE (status IN ('queued', 'failed') \
      AND next_attempt_at IS NOT NULL AND next_attempt_at <= $1) \
      OR (status = 'sending' AND claimed_until < $1) \
      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING id";
/// `$1` now, `$2` the claimed ids; in the order they fell due.
const CLAIMED: &str = select_emails!(live at "$1",
    "WHERE e.id = ANY($2) ORDER BY e.next_attempt_at, e.id");
const MARK_SENT: &str = "UPDATE emails SET status = 'sent', sent_at = $1, message_id = $2, \
     delivered_via = $3, sealed = NULL, attempts = attempts + 1, last_error = NULL, \
     next_attempt_at = NULL, claimed_until = NULL, claimed_by = NULL, claim_run = NULL \
     WHERE id = $4";
/// A failure without a retry time is final, so its secrets go.
const MARK_FAILED: &str = "UPDATE emails SET status = 'failed', last_error = $1, \
     attempts = attempts + 1, next_attempt_at = $2, claimed_until = NULL, claimed_by = NULL, \
     claim_run = NULL, \
     sealed = CASE WHEN $2::bigint IS NULL THEN NULL ELSE sealed END WHERE id = $3";
const MARK_EXPIRED: &str = "UPDATE emails SET status = 'expired', sealed = NULL, \
     next_attempt_at = NULL, claimed_until = NULL, claimed_by = NULL, claim_run = NULL \
     WHERE id = $1";
/// `$1` the workstation, `$2` its current run: one statement, so that no claim of the dead run
/// is missed. A claimed row kept its due time; `coalesce` only guards against one that did not.
const RELEASE_DEAD: &str = "UPDATE emails SET \
     status = CASE WHEN attempts = 0 THEN 'queued' ELSE 'failed' END, \
     next_attempt_at = coalesce(next_attempt_at, 0), claimed_until = NULL, claimed_by = NULL, \
     claim_run = NULL WHERE status = 'sending' AND claimed_by = $1 \
     AND claim_run IS DISTINCT FROM $2";
/// A claimed email is due again when its lease runs out.
const NEXT_DUE: &str = "SELECT min(CASE WHEN status = 'sending' THEN claimed_until \
     ELSE next_attempt_at END) FROM emails \
     WHERE (status IN ('queued', 'failed') AND next_attempt_at IS NOT NULL) OR status = 'sending'";
/// `$1` now, `$2` email ids: those whose token, a staff one or a portal one, is used, revoked or
/// expired.
const DEAD_TOKENS: &str = "SELECT e.id FROM emails e \
     LEFT JOIN reset_tokens t ON t.id = e.token_id \
     LEFT JOIN portal_tokens p ON p.id = e.portal_token_id \
     WHERE e.id = ANY($2) \
     AND ((t.id IS NOT NULL \
       AND (t.used_at IS NOT NULL OR t.revoked_at IS NOT NULL OR t.expires_at <= $1)) \
      OR (p.id IS NOT NULL \
       AND (p.used_at IS NOT NULL OR p.revoked_at IS NOT NULL OR p.expires_at <= $1))) \
     ORDER BY e.id";

row_type! {
    sqlx::postgres::PgRow;
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
fn token_live(row: &PgRow) -> sqlx::Result<Option<bool>> {
    let token_id: Option<i64> = row.try_get("token_id")?;
    let live: Option<bool> = row.try_get("token_live")?;
    Ok(token_id.map(|_| live.unwrap_or(false)))
}

fn delivered_via(row: &PgRow) -> sqlx::Result<Option<DeliveredVia>> {
    match row.try_get::<Option<String>, _>("delivered_via")? {
        Some(_) => word(row, "delivered_via", DeliveredVia::parse).map(Some),
        None => Ok(None),
    }
}

fn params(row: &PgRow) -> sqlx::Result<EmailParams> {
    let text: String = row.try_get("params")?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::ColumnDecode {
        index: "params".into(),
        source: e.into(),
    })
}

/// Queues `email`, following the staff reset token `token_id` if any; part of the caller's
/// transaction.
pub(super) async fn insert(
    conn: &mut PgConnection,
    email: &NewEmail,
    token_id: Option<i64>,
) -> sqlx::Result<i64> {
    insert_row(conn, email, token_id, None, None).await
}

/// Queues `email` to a client, following the portal link `portal_token_id` if any; part of the
/// caller's transaction.
pub(super) async fn insert_for_client(
    conn: &mut PgConnection,
    email: &NewEmail,
    client_id: i64,
    portal_token_id: Option<i64>,
) -> sqlx::Result<i64> {
    insert_row(conn, email, None, Some(client_id), portal_token_id).await
}

async fn insert_row(
    conn: &mut PgConnection,
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

async fn enqueue(pool: &PgPool, email: &NewEmail, audit: &AuditEvent) -> sqlx::Result<i64> {
    let mut tx = begin_write(pool).await?;
    let id = insert(&mut tx, email, None).await?;
    commit_with_audit(tx, audit).await?;
    Ok(id)
}

/// The newest email of one of `kinds` that `query` finds by its first parameter.
async fn latest(
    pool: &PgPool,
    query: RowsQuery<'_, DbEmail>,
    kinds: &[EmailKind],
) -> sqlx::Result<Option<EmailRecord>> {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    fetch_optional(pool, query.bind(kinds)).await
}

/// The newest email of one of `kinds` to the client.
pub(super) async fn latest_for_client(
    pool: &PgPool,
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
    pool: &PgPool,
    now: Millis,
    lease: Millis,
    limit: u32,
    by: &Claimant,
) -> sqlx::Result<Vec<EmailRecord>> {
    let mut tx = pool.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar(CLAIM)
        .bind(now)
        .bind(now + lease)
        .bind(i64::from(limit))
        .bind(&by.workstation)
        .bind(&by.run)
        .fetch_all(&mut *tx)
        .await?;
    let claimed = sqlx::query_as::<_, DbEmail>(CLAIMED).bind(now).bind(ids);
    let claimed = fetch_all(&mut *tx, claimed).await?;
    tx.commit().await?;
    Ok(claimed)
}

#[async_trait]
impl EmailStore for PgStore {
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
async fn outbox_key(pool: &PgPool, fingerprint: &str) -> sqlx::Result<bool> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO clinic_keys (name, fingerprint) VALUES ('outbox', $1) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(fingerprint)
    .execute(&mut *tx)
    .await?;
    let recorded: String =
        sqlx::query_scalar("SELECT fingerprint FROM clinic_keys WHERE name = 'outbox'")
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(recorded == fingerprint)
}

#[async_trait]
impl OutboxStore for PgStore {
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
            .bind(ids)
            .fetch_all(&self.pool)
            .await
            .map_err(map)
    }
}
