//! `limits`: rate limits shared by every workstation on the database, one fixed window per key
//! (see [`vetdesk_core::limits`]). Counting an attempt is one upsert, so two workstations
//! counting at once cannot both slip under a limit.

use async_trait::async_trait;
use sqlx::PgPool;
use vetdesk_core::limits::Limit;
use vetdesk_core::ports::{LimitStore, StoreResult};
use vetdesk_core::time::Millis;

use super::PgStore;
use crate::error::map;

/// `$1` the key, `$2` now, `$3` the window's length. A window that has ended starts over at
/// now; the right-hand sides read the row as it was.
const HIT: &str = "INSERT INTO limits (key, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
     hits = CASE WHEN limits.window_start + $3 <= $2 THEN 1 ELSE limits.hits + 1 END, \
     window_start = CASE WHEN limits.window_start + $3 <= $2 THEN $2 ELSE limits.window_start END \
     RETURNING window_start, hits";
/// `$1` the key, `$2` now, `$3` the window's length: only within the window that counted it.
const TAKE_BACK: &str = "UPDATE limits SET hits = hits - 1 \
     WHERE key = $1 AND hits > 0 AND window_start + $3 > $2";

async fn hit(pool: &PgPool, key: &str, limit: Limit, now: Millis) -> sqlx::Result<Option<Millis>> {
    let mut tx = pool.begin().await?;
    let (start, hits): (Millis, i64) = sqlx::query_as(HIT)
        .bind(key)
        .bind(now)
        .bind(limit.window)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((hits > i64::from(limit.max)).then(|| (start + limit.window - now).max(1)))
}

async fn take_back(pool: &PgPool, key: &str, limit: Limit, now: Millis) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(TAKE_BACK)
        .bind(key)
        .bind(now)
        .bind(limit.window)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[async_trait]
impl LimitStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn hit(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<Option<Millis>> {
        hit(&self.pool, key, limit, now).await.map_err(map)
    }

    #[tracing::instrument(skip_all)]
    async fn take_back(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<()> {
        take_back(&self.pool, key, limit, now).await.map_err(map)
    }
}
