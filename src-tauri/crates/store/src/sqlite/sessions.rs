//! `sessions`: who is signed in at which workstation.

use async_trait::async_trait;
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};
use vetdesk_core::ports::{SessionStore, StoreResult};
use vetdesk_core::staff::StaffRecord;
use vetdesk_core::time::Millis;

use super::staff::DbStaff;
use super::{fetch_optional, SqliteStore};
use crate::error::map;

const CREATE: &str = "INSERT INTO sessions (staff_id, created_at) VALUES (?, ?) RETURNING id";
const STAFF_OF: &str = "SELECT s.id, s.username, s.display_name, s.role, s.email, s.status, \
     s.password_hash FROM staff s JOIN sessions x ON x.staff_id = s.id \
     WHERE x.id = ? AND x.ended_at IS NULL";
const END: &str = "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL";
const END_ALL: &str = "UPDATE sessions SET ended_at = ? WHERE staff_id = ? AND ended_at IS NULL";
/// `?1` now, `?2` the account, `?3` the session that stays.
const END_OTHERS: &str = "UPDATE sessions SET ended_at = ?1 \
     WHERE staff_id = ?2 AND id <> ?3 AND ended_at IS NULL";

async fn create(pool: &SqlitePool, staff_id: i64, now: Millis) -> sqlx::Result<i64> {
    sqlx::query_scalar(CREATE)
        .bind(staff_id)
        .bind(now)
        .fetch_one(pool)
        .await
}

/// Ends the sessions that `sql` picks by `id`.
async fn end<'c>(
    conn: impl SqliteExecutor<'c>,
    sql: &str,
    id: i64,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(sql).bind(now).bind(id).execute(conn).await?;
    Ok(())
}

/// Signs the account out everywhere; part of a password reset's transaction.
pub(super) async fn end_all(
    conn: &mut SqliteConnection,
    staff_id: i64,
    now: Millis,
) -> sqlx::Result<()> {
    end(conn, END_ALL, staff_id, now).await
}

/// Signs the account out everywhere but `keep`; part of a password change's transaction.
pub(super) async fn end_others(
    conn: &mut SqliteConnection,
    staff_id: i64,
    keep: i64,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(END_OTHERS)
        .bind(now)
        .bind(staff_id)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(())
}

#[async_trait]
impl SessionStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn create_session(&self, staff_id: i64, now: Millis) -> StoreResult<i64> {
        create(&self.pool, staff_id, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn session_staff(&self, session_id: i64) -> StoreResult<Option<StaffRecord>> {
        let query = sqlx::query_as::<_, DbStaff>(STAFF_OF).bind(session_id);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn end_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        end(&self.pool, END, session_id, now).await.map_err(map)
    }
}
