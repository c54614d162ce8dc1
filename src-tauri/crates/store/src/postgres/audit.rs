//! `audit_events`: the Activity log. Every write of the other tables ends here, in its own
//! transaction ([`commit_with_audit`]).

use async_trait::async_trait;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgPool, Postgres, Transaction};
use vetdesk_core::audit::{AuditEvent, AuditRow};
use vetdesk_core::ports::{AuditStore, StoreResult};

use super::{begin_write, search, PgStore};
use crate::error::map;

const INSERT: &str = "INSERT INTO audit_events \
     (at, actor_id, subject_id, client_id, action, outcome, workstation, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// The subject is the client an event is about, named "First Last" (or the one that is not
/// empty), else the staff member.
const SEARCH: &str = "SELECT e.id, e.at, a.display_name AS actor, e.subject, e.action, \
     e.outcome, e.workstation, e.detail FROM \
     (SELECT e.*, CASE WHEN c.id IS NULL THEN s.display_name \
       WHEN c.first_name = '' THEN c.last_name WHEN c.last_name = '' THEN c.first_name \
       ELSE c.first_name || ' ' || c.last_name END AS subject \
      FROM audit_events e LEFT JOIN staff s ON s.id = e.subject_id \
      LEFT JOIN clients c ON c.id = e.client_id) e \
     LEFT JOIN staff a ON a.id = e.actor_id \
     WHERE $1 = '' OR e.action ILIKE $2 OR e.outcome ILIKE $2 \
     OR coalesce(a.display_name, '') ILIKE $2 OR coalesce(e.subject, '') ILIKE $2 \
     OR e.workstation ILIKE $2 \
     ORDER BY e.id DESC LIMIT $3";

row_type! {
    sqlx::postgres::PgRow;
    DbAuditRow(AuditRow), |row| { id, at, actor, subject, action, outcome, workstation, detail }
}

/// Every write ends the same way: its audit event, then the commit.
pub(super) async fn commit_with_audit(
    mut tx: Transaction<'static, Postgres>,
    event: &AuditEvent,
) -> sqlx::Result<()> {
    sqlx::query(INSERT)
        .bind(event.at)
        .bind(event.actor_id)
        .bind(event.subject_id)
        .bind(event.client_id)
        .bind(event.action.as_str())
        .bind(event.outcome.as_str())
        .bind(&event.workstation)
        .bind(&event.detail)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A write of one statement: the statement and its audit event in one transaction.
pub(super) async fn write<'q>(
    pool: &PgPool,
    statement: Query<'q, Postgres, PgArguments>,
    event: &AuditEvent,
) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    statement.execute(&mut *tx).await?;
    commit_with_audit(tx, event).await
}

async fn append(pool: &PgPool, event: &AuditEvent) -> sqlx::Result<()> {
    let tx = begin_write(pool).await?;
    commit_with_audit(tx, event).await
}

#[async_trait]
impl AuditStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn list_audit(&self, query: &str, limit: u32) -> StoreResult<Vec<AuditRow>> {
        search::<DbAuditRow, _>(&self.pool, SEARCH, query, limit)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        append(&self.pool, event).await.map_err(map)
    }
}
