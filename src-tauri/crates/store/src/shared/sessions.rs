// What the SQLite and PostgreSQL `sessions` modules share, included by both after their SQL.

use super::staff::DbStaff;
use super::{fetch_optional, map, BackendStore, Conn, Db, DbRow, Pool};
use async_trait::async_trait;
use sqlx::FromRow;
use vetdesk_core::ports::{SessionStore, StoreResult};
use vetdesk_core::session::{Actor, SessionRecord};
use vetdesk_core::time::Millis;

async fn create(pool: &Pool, staff_id: i64, now: Millis) -> sqlx::Result<i64> {
    sqlx::query_scalar(CREATE)
        .bind(staff_id)
        .bind(now)
        .fetch_one(pool)
        .await
}

struct DbActor(Actor);

impl<'r> FromRow<'r, DbRow> for DbActor {
    fn from_row(row: &'r DbRow) -> sqlx::Result<Self> {
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
    conn: impl sqlx::Executor<'c, Database = Db>,
    sql: &str,
    id: i64,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(sql).bind(now).bind(id).execute(conn).await?;
    Ok(())
}

/// Signs the account out everywhere; part of a password reset's transaction.
pub(super) async fn end_all(conn: &mut Conn, staff_id: i64, now: Millis) -> sqlx::Result<()> {
    update(conn, END_ALL, staff_id, now).await
}

/// Signs the account out everywhere but `keep`; part of a password change's transaction.
pub(super) async fn end_others(
    conn: &mut Conn,
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
impl SessionStore for BackendStore {
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
