// What the SQLite and PostgreSQL `limits` modules share, included by both after their SQL.

use async_trait::async_trait;

use super::{begin_write, map, BackendStore, Pool};
use vetdesk_core::limits::Limit;
use vetdesk_core::ports::{LimitStore, StoreResult};
use vetdesk_core::time::Millis;

async fn hit(pool: &Pool, key: &str, limit: Limit, now: Millis) -> sqlx::Result<Option<Millis>> {
    let mut tx = begin_write(pool).await?;
    let (start, hits): (Millis, i64) = sqlx::query_as(HIT)
        .bind(key)
        .bind(now)
        .bind(limit.window)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((hits > i64::from(limit.max)).then(|| (start + limit.window - now).max(1)))
}

async fn take_back(pool: &Pool, key: &str, limit: Limit, now: Millis) -> sqlx::Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(TAKE_BACK)
        .bind(key)
        .bind(now)
        .bind(limit.window)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[async_trait]
impl LimitStore for BackendStore {
    #[tracing::instrument(skip_all)]
    async fn hit(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<Option<Millis>> {
        hit(&self.pool, key, limit, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn take_back(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<()> {
        take_back(&self.pool, key, limit, now).await.map_err(map)
    }
}
