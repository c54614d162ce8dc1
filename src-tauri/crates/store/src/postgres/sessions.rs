//! `sessions`: who is signed in at which workstation, when they last entered their password,
//! when they were last active, and whether the screen is locked.

use async_trait::async_trait;
use sqlx::{FromRow, PgConnection, PgExecutor, PgPool};
use vetdesk_core::ports::{SessionStore, StoreResult};
use vetdesk_core::session::{Actor, SessionRecord};
use vetdesk_core::time::Millis;

use super::staff::DbStaff;
use super::{fetch_optional, PgStore};
use crate::error::map;

/// `$1` the account, `$2` now: begun, authenticated and active now.
const CREATE: &str = "INSERT INTO sessions (staff_id, created_at, authenticated_at, active_at) \
     VALUES ($1, $2, $2, $2) RETURNING id";
const FIND: &str = "SELECT s.id, s.username, s.display_name, s.role, s.email, s.status, \
     s.password_hash, x.id AS session_id, x.created_at AS session_created_at, \
     x.authenticated_at, x.active_at, x.locked_at \
     FROM staff s JOIN sessions x ON x.staff_id = s.id \
     WHERE x.id = $1 AND x.ended_at IS NULL";
const TOUCH: &str = "UPDATE sessions SET active_at = $1 \
     WHERE id = $2 AND ended_at IS NULL AND locked_at IS NULL";
const LOCK: &str = "UPDATE sessions SET locked_at = coalesce(locked_at, $1) \
     WHERE id = $2 AND ended_at IS NULL";
const AUTHENTICATE: &str = "UPDATE sessions \
     SET authenticated_at = $1, active_at = $1, locked_at = NULL \
     WHERE id = $2 AND ended_at IS NULL";
const END: &str = "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL";
const END_ALL: &str = "UPDATE sessions SET ended_at = $1 WHERE staff_id = $2 AND ended_at IS NULL";
/// `$1` now, `$2` the account, `$3` the session that stays.
const END_OTHERS: &str = "UPDATE sessions SET ended_at = $1 \
     WHERE staff_id = $2 AND id <> $3 AND ended_at IS NULL";

async fn create(pool: &PgPool, staff_id: i64, now: Millis) -> sqlx::Result<i64> {
    sqlx::query_scalar(CREATE)
        .bind(staff_id)
        .bind(now)
        .fetch_one(pool)
        .await
}

struct DbActor(Actor);

impl<'r> FromRow<'r, sqlx::postgres::PgRow> for DbActor {
    fn from_row(row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
        let staff: vetdesk_core::staff::StaffRecord = DbStaff::from_row(row)?.into();
        let session = SessionRecord {
            id: sqlx::Row::try_get(row, "session_id")?,
            staff_id: staff.id,
            created_at: sqlx::Row::try_get(row, "session_created_at")?,
            authenticated_at: sqlx::Row::try_get(row, "authenticated_at")?,
            active_at: sqlx::Row::try_get(row, "active_at")?,
            locked_at: sqlx::Row::try_get(row, "locked_at")?,
        };
        Ok(Self(Actor { staff, session }))
    }
}

impl From<DbActor> for Actor {
    fn from(row: DbActor) -> Self {
        row.0
    }
}

/// Runs `sql` with `now` and the session or account `id` it picks sessions by.
async fn update<'c>(
    conn: impl PgExecutor<'c>,
    sql: &str,
    id: i64,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(sql).bind(now).bind(id).execute(conn).await?;
    Ok(())
}

/// Signs the account out everywhere; part of a password reset's transaction.
pub(super) async fn end_all(
    conn: &mut PgConnection,
    staff_id: i64,
    now: Millis,
) -> sqlx::Result<()> {
    update(conn, END_ALL, staff_id, now).await
}

/// Signs the account out everywhere but `keep`; part of a password change's transaction.
pub(super) async fn end_others(
    conn: &mut PgConnection,
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
impl SessionStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn create_session(&self, staff_id: i64, now: Millis) -> StoreResult<i64> {
        create(&self.pool, staff_id, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn find_session(&self, session_id: i64) -> StoreResult<Option<Actor>> {
        let query = sqlx::query_as::<_, DbActor>(FIND).bind(session_id);
        fetch_optional(&self.pool, query).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn touch_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        update(&self.pool, TOUCH, session_id, now)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn lock_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        update(&self.pool, LOCK, session_id, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn authenticate_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        update(&self.pool, AUTHENTICATE, session_id, now)
            .await
            .map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn end_session(&self, session_id: i64, now: Millis) -> StoreResult<()> {
        update(&self.pool, END, session_id, now).await.map_err(map)
    }
}
