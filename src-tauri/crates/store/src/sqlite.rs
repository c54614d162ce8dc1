//! The local database: one SQLite file in WAL mode. Writers take the lock up front
//! (`BEGIN IMMEDIATE`) so that two writers wait for each other instead of failing.

use std::path::Path;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use vetdesk_core::audit::{AuditEvent, AuditRow};
use vetdesk_core::outbox::{EmailKind, EmailRecord, NewEmail};
use vetdesk_core::ports::{Issued, Store, StoreResult};
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::StaffRecord;
use vetdesk_core::time::Millis;
use vetdesk_core::token::{NewToken, TokenRecord};
use vetdesk_core::{Role, StoreError};

use crate::error::{map, migrate};
use crate::rows::{AuditDb, EmailDb, StaffDb, TokenDb};

const STAFF_COLUMNS: &str = "id, username, display_name, role, email, status, password_hash";
const TOKEN_COLUMNS: &str = "id, staff_id, purpose, code_digest, created_at, expires_at, used_at, \
                             revoked_at, failed_attempts";
/// `?1` is the current time, for `token_live`.
const EMAIL_SELECT: &str = "SELECT e.id, e.kind, e.staff_id, e.token_id, \
     CASE WHEN t.id IS NULL THEN NULL \
          ELSE (t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > ?1) END AS token_live, \
     e.recipient, e.recipient_name, e.subject, e.params, e.sealed, e.status, e.attempts, \
     e.created_at, e.sent_at, e.last_error \
     FROM emails e LEFT JOIN reset_tokens t ON t.id = e.token_id";

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// A staff member to create (demo data, imports, tests).
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub email: Option<String>,
    pub active: bool,
    pub password_hash: String,
}

#[derive(Clone, Debug)]
pub struct NewClient {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub pets: Vec<NewPet>,
}

#[derive(Clone, Debug)]
pub struct NewPet {
    pub name: String,
    pub species: String,
    pub breed: Option<String>,
}

fn like_pattern(query: &str) -> String {
    let escaped = query
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> StoreResult<Self> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        Self::connect(options).await
    }

    async fn connect(options: SqliteConnectOptions) -> StoreResult<Self> {
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(map)?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(migrate)?;
        Ok(Self { pool })
    }

    /// Wraps a pool whose schema is already current (no migrations are run).
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(map)
    }

    pub async fn staff_count(&self) -> StoreResult<i64> {
        sqlx::query_scalar("SELECT count(*) FROM staff")
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    pub async fn insert_staff(&self, staff: &[NewStaff], now: Millis) -> StoreResult<Vec<i64>> {
        let mut tx = self.write().await?;
        let mut ids = Vec::with_capacity(staff.len());
        for s in staff {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO staff (username, display_name, role, email, status, password_hash, \
                 created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(s.username.to_lowercase())
            .bind(&s.display_name)
            .bind(s.role.as_str())
            .bind(&s.email)
            .bind(if s.active { "active" } else { "disabled" })
            .bind(&s.password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(map)?;
            ids.push(id);
        }
        tx.commit().await.map_err(map)?;
        Ok(ids)
    }

    pub async fn insert_clients(&self, clients: &[NewClient], now: Millis) -> StoreResult<()> {
        let mut tx = self.write().await?;
        for c in clients {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO clients (first_name, last_name, email, phone, address, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(&c.first_name)
            .bind(&c.last_name)
            .bind(&c.email)
            .bind(&c.phone)
            .bind(&c.address)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(map)?;
            for p in &c.pets {
                sqlx::query(
                    "INSERT INTO pets (client_id, name, species, breed) VALUES (?, ?, ?, ?)",
                )
                .bind(id)
                .bind(&p.name)
                .bind(&p.species)
                .bind(&p.breed)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
            }
        }
        tx.commit().await.map_err(map)
    }

    pub async fn count(&self, table: CountedTable) -> StoreResult<i64> {
        let sql = match table {
            CountedTable::Clients => "SELECT count(*) FROM clients",
            CountedTable::Pets => "SELECT count(*) FROM pets",
            CountedTable::Emails => "SELECT count(*) FROM emails",
            CountedTable::Tokens => "SELECT count(*) FROM reset_tokens",
        };
        sqlx::query_scalar(sql)
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }
}

#[derive(Debug, Clone, Copy)]
pub enum CountedTable {
    Clients,
    Pets,
    Emails,
    Tokens,
}

async fn insert_audit(tx: &mut Transaction<'_, Sqlite>, e: &AuditEvent) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor_id, subject_id, action, outcome, workstation, detail) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.at)
    .bind(e.actor_id)
    .bind(e.subject_id)
    .bind(e.action)
    .bind(e.outcome)
    .bind(&e.workstation)
    .bind(&e.detail)
    .execute(&mut **tx)
    .await
    .map_err(map)?;
    Ok(())
}

/// Every write ends the same way: its audit event, then the commit.
async fn commit_with_audit(
    mut tx: Transaction<'static, Sqlite>,
    audit: &AuditEvent,
) -> StoreResult<()> {
    insert_audit(&mut tx, audit).await?;
    tx.commit().await.map_err(map)
}

async fn insert_email(
    tx: &mut Transaction<'_, Sqlite>,
    e: &NewEmail,
    token_id: Option<i64>,
) -> StoreResult<i64> {
    let params = serde_json::to_string(&e.params)
        .map_err(|err| StoreError::Other(format!("email parameters: {err}")))?;
    sqlx::query_scalar(
        "INSERT INTO emails (kind, staff_id, token_id, recipient, recipient_name, subject, params, \
         sealed, status, attempts, next_attempt_at, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?) RETURNING id",
    )
    .bind(e.kind.as_str())
    .bind(e.staff_id)
    .bind(token_id)
    .bind(&e.recipient)
    .bind(&e.recipient_name)
    .bind(&e.subject)
    .bind(params)
    .bind(&e.sealed)
    .bind(e.created_at)
    .bind(e.created_at)
    .fetch_one(&mut **tx)
    .await
    .map_err(map)
}

fn kinds_list(kinds: &[EmailKind]) -> String {
    kinds
        .iter()
        .map(|k| format!("'{}'", k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl Store for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn load_settings(&self) -> StoreResult<Option<Settings>> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM settings WHERE id = 1")
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        body.map(|b| {
            serde_json::from_str(&b).map_err(|e| StoreError::Other(format!("settings: {e}")))
        })
        .transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn save_settings(&self, settings: &Settings, audit: &AuditEvent) -> StoreResult<()> {
        let body = serde_json::to_string(settings)
            .map_err(|e| StoreError::Other(format!("settings: {e}")))?;
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO settings (id, body, updated_at) VALUES (1, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
        )
        .bind(body)
        .bind(audit.at)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        commit_with_audit(tx, audit).await
    }

    #[tracing::instrument(skip_all)]
    async fn find_staff_by_login(&self, identifier: &str) -> StoreResult<Option<StaffRecord>> {
        let sql = format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE username = ?1 OR lower(email) = ?1 \
             ORDER BY (username = ?1) DESC, id LIMIT 1"
        );
        let row: Option<StaffDb> = sqlx::query_as(&sql)
            .bind(identifier)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(StaffRecord::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn get_staff(&self, id: i64) -> StoreResult<Option<StaffRecord>> {
        let sql = format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = ?");
        let row: Option<StaffDb> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(StaffRecord::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn list_staff(&self, query: &str, limit: u32) -> StoreResult<Vec<StaffRecord>> {
        let sql = format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE ?1 = '' \
             OR lower(display_name) LIKE ?2 ESCAPE '\\' OR username LIKE ?2 ESCAPE '\\' \
             OR lower(coalesce(email, '')) LIKE ?2 ESCAPE '\\' \
             ORDER BY display_name COLLATE NOCASE, id LIMIT ?3"
        );
        let rows: Vec<StaffDb> = sqlx::query_as(&sql)
            .bind(query)
            .bind(like_pattern(query))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.into_iter().map(StaffRecord::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn update_staff_email(
        &self,
        id: i64,
        email: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE staff SET email = ? WHERE id = ?")
            .bind(email)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map)?
            .rows_affected();
        if changed != 1 {
            return Err(StoreError::Conflict(
                "that staff member no longer exists".into(),
            ));
        }
        commit_with_audit(tx, audit).await
    }

    #[tracing::instrument(skip_all)]
    async fn create_session(&self, staff_id: i64, now: Millis) -> StoreResult<i64> {
        sqlx::query_scalar("INSERT INTO sessions (staff_id, created_at) VALUES (?, ?) RETURNING id")
            .bind(staff_id)
            .bind(now)
            .fetch_one(&self.pool)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn session_staff(&self, session_id: i64) -> StoreResult<Option<StaffRecord>> {
        let sql = format!(
            "SELECT {} FROM staff s JOIN sessions x ON x.staff_id = s.id \
             WHERE x.id = ? AND x.ended_at IS NULL",
            STAFF_COLUMNS
                .split(", ")
                .map(|c| format!("s.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let row: Option<StaffDb> = sqlx::query_as(&sql)
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(StaffRecord::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn end_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL")
            .bind(now)
            .bind(session_id)
            .execute(&self.pool)
            .await
            .map_err(map)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn issue_token(
        &self,
        token: &NewToken,
        email: Option<&NewEmail>,
        audit: &AuditEvent,
    ) -> StoreResult<Issued> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE reset_tokens SET revoked_at = ? \
             WHERE staff_id = ? AND purpose = ? AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(token.created_at)
        .bind(token.staff_id)
        .bind(token.purpose.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        let token_id: i64 = sqlx::query_scalar(
            "INSERT INTO reset_tokens (staff_id, purpose, link_digest, code_digest, created_at, \
             expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(token.staff_id)
        .bind(token.purpose.as_str())
        .bind(&token.link_digest)
        .bind(&token.code_digest)
        .bind(token.created_at)
        .bind(token.expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(map)?;
        let email_id = match email {
            Some(e) => Some(insert_email(&mut tx, e, Some(token_id)).await?),
            None => None,
        };
        commit_with_audit(tx, audit).await?;
        Ok(Issued { token_id, email_id })
    }

    #[tracing::instrument(skip_all)]
    async fn find_token_by_link(&self, link_digest: &str) -> StoreResult<Option<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM reset_tokens WHERE link_digest = ?");
        let row: Option<TokenDb> = sqlx::query_as(&sql)
            .bind(link_digest)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(TokenRecord::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn live_code_tokens(&self, staff_id: i64, now: Millis) -> StoreResult<Vec<TokenRecord>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM reset_tokens WHERE staff_id = ? \
             AND code_digest IS NOT NULL AND used_at IS NULL AND revoked_at IS NULL \
             AND expires_at > ? ORDER BY id"
        );
        let rows: Vec<TokenDb> = sqlx::query_as(&sql)
            .bind(staff_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.into_iter().map(TokenRecord::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn record_code_failure(
        &self,
        token_ids: &[i64],
        max_attempts: u32,
        now: Millis,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        for id in token_ids {
            sqlx::query(
                "UPDATE reset_tokens SET failed_attempts = failed_attempts + 1, \
                 revoked_at = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE revoked_at END \
                 WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
            )
            .bind(max_attempts)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        }
        commit_with_audit(tx, audit).await
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
        let mut tx = self.write().await?;
        let staff_id: Option<i64> = sqlx::query_scalar(
            "UPDATE reset_tokens SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL \
             AND revoked_at IS NULL AND expires_at > ?1 RETURNING staff_id",
        )
        .bind(now)
        .bind(token_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map)?;
        let Some(staff_id) = staff_id else {
            tx.rollback().await.map_err(map)?;
            return Ok(false);
        };
        sqlx::query("UPDATE staff SET password_hash = ?, password_changed_at = ? WHERE id = ?")
            .bind(password_hash)
            .bind(now)
            .bind(staff_id)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        sqlx::query(
            "UPDATE reset_tokens SET revoked_at = ? WHERE staff_id = ? AND id <> ? \
             AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(staff_id)
        .bind(token_id)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        sqlx::query("UPDATE sessions SET ended_at = ? WHERE staff_id = ? AND ended_at IS NULL")
            .bind(now)
            .bind(staff_id)
            .execute(&mut *tx)
            .await
            .map_err(map)?;
        if let Some(e) = email {
            insert_email(&mut tx, e, None).await?;
        }
        commit_with_audit(tx, audit).await?;
        Ok(true)
    }

    #[tracing::instrument(skip_all)]
    async fn enqueue_email(&self, email: &NewEmail, audit: &AuditEvent) -> StoreResult<i64> {
        let mut tx = self.write().await?;
        let id = insert_email(&mut tx, email, None).await?;
        commit_with_audit(tx, audit).await?;
        Ok(id)
    }

    #[tracing::instrument(skip_all)]
    async fn latest_email_to(
        &self,
        recipient: &str,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        let sql = format!(
            "{EMAIL_SELECT} WHERE lower(e.recipient) = ?2 AND e.kind IN ({}) \
             ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
            kinds_list(kinds)
        );
        let row: Option<EmailDb> = sqlx::query_as(&sql)
            .bind(0_i64)
            .bind(recipient)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(EmailRecord::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn latest_email_for_staff(
        &self,
        staff_id: i64,
        kinds: &[EmailKind],
    ) -> StoreResult<Option<EmailRecord>> {
        let sql = format!(
            "{EMAIL_SELECT} WHERE e.staff_id = ?2 AND e.kind IN ({}) \
             ORDER BY e.created_at DESC, e.id DESC LIMIT 1",
            kinds_list(kinds)
        );
        let row: Option<EmailDb> = sqlx::query_as(&sql)
            .bind(0_i64)
            .bind(staff_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(map)?;
        row.map(EmailRecord::try_from).transpose()
    }

    #[tracing::instrument(skip_all)]
    async fn claim_due_emails(
        &self,
        now: Millis,
        lease: Millis,
        limit: u32,
    ) -> StoreResult<Vec<EmailRecord>> {
        let mut tx = self.write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM emails WHERE \
             (status IN ('queued', 'failed') AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?1) \
             OR (status = 'sending' AND claimed_until < ?1) \
             ORDER BY next_attempt_at, id LIMIT ?2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(map)?;
        let mut claimed = Vec::with_capacity(ids.len());
        for id in ids {
            sqlx::query("UPDATE emails SET status = 'sending', claimed_until = ? WHERE id = ?")
                .bind(now + lease)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(map)?;
            let sql = format!("{EMAIL_SELECT} WHERE e.id = ?2");
            let row: EmailDb = sqlx::query_as(&sql)
                .bind(now)
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(map)?;
            claimed.push(EmailRecord::try_from(row)?);
        }
        tx.commit().await.map_err(map)?;
        Ok(claimed)
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_sent(
        &self,
        id: i64,
        now: Millis,
        message_id: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE emails SET status = 'sent', sent_at = ?, message_id = ?, sealed = NULL, \
             attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL, \
             claimed_until = NULL WHERE id = ?",
        )
        .bind(now)
        .bind(message_id)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        commit_with_audit(tx, audit).await
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<Millis>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE emails SET status = 'failed', last_error = ?, attempts = attempts + 1, \
             next_attempt_at = ?, claimed_until = NULL, \
             sealed = CASE WHEN ? IS NULL THEN NULL ELSE sealed END WHERE id = ?",
        )
        .bind(error)
        .bind(retry_at)
        .bind(retry_at)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        commit_with_audit(tx, audit).await
    }

    #[tracing::instrument(skip_all)]
    async fn mark_email_expired(&self, id: i64, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "UPDATE emails SET status = 'expired', sealed = NULL, next_attempt_at = NULL, \
             claimed_until = NULL WHERE id = ?",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map)?;
        commit_with_audit(tx, audit).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_emails(&self, query: &str, limit: u32) -> StoreResult<Vec<EmailRecord>> {
        let sql = format!(
            "{EMAIL_SELECT} WHERE ?2 = '' OR lower(e.recipient) LIKE ?3 ESCAPE '\\' \
             OR lower(e.recipient_name) LIKE ?3 ESCAPE '\\' OR e.status LIKE ?3 ESCAPE '\\' \
             OR e.kind LIKE ?3 ESCAPE '\\' OR lower(e.subject) LIKE ?3 ESCAPE '\\' \
             ORDER BY e.id DESC LIMIT ?4"
        );
        let rows: Vec<EmailDb> = sqlx::query_as(&sql)
            .bind(0_i64)
            .bind(query)
            .bind(like_pattern(query))
            .bind(limit)
            .fetch_all(&self.pool)
            .await
            .map_err(map)?;
        rows.into_iter().map(EmailRecord::try_from).collect()
    }

    #[tracing::instrument(skip_all)]
    async fn next_email_due(&self) -> StoreResult<Option<Millis>> {
        sqlx::query_scalar(
            "SELECT min(CASE WHEN status = 'sending' THEN claimed_until ELSE next_attempt_at END) \
             FROM emails WHERE (status IN ('queued', 'failed') AND next_attempt_at IS NOT NULL) \
             OR status = 'sending'",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        let tx = self.write().await?;
        commit_with_audit(tx, event).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit(&self, query: &str, limit: u32) -> StoreResult<Vec<AuditRow>> {
        let rows: Vec<AuditDb> = sqlx::query_as(
            "SELECT e.id, e.at, a.display_name AS actor, s.display_name AS subject, e.action, \
             e.outcome, e.workstation, e.detail FROM audit_events e \
             LEFT JOIN staff a ON a.id = e.actor_id LEFT JOIN staff s ON s.id = e.subject_id \
             WHERE ?1 = '' OR e.action LIKE ?2 ESCAPE '\\' OR e.outcome LIKE ?2 ESCAPE '\\' \
             OR lower(coalesce(a.display_name, '')) LIKE ?2 ESCAPE '\\' \
             OR lower(coalesce(s.display_name, '')) LIKE ?2 ESCAPE '\\' \
             OR lower(e.workstation) LIKE ?2 ESCAPE '\\' \
             ORDER BY e.id DESC LIMIT ?3",
        )
        .bind(query)
        .bind(like_pattern(query))
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(map)?;
        Ok(rows.into_iter().map(AuditRow::from).collect())
    }
}
