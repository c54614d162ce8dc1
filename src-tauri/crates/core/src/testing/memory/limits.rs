//! Rate limits: one fixed window per key, as the SQLite store's `limits` table keeps them.

use std::sync::atomic::Ordering;

use async_trait::async_trait;

use crate::limits::Limit;
use crate::ports::{LimitStore, StoreResult};
use crate::time::Millis;

use super::MemoryStore;

pub(super) struct Window {
    start: Millis,
    hits: u32,
}

#[async_trait]
impl LimitStore for MemoryStore {
    async fn hit(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<Option<Millis>> {
        if self.limits_held.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        let mut state = self.lock();
        let window = state.limits.entry(key.to_string()).or_insert(Window {
            start: now,
            hits: 0,
        });
        if window.start + limit.window <= now {
            *window = Window {
                start: now,
                hits: 0,
            };
        }
        window.hits = window.hits.saturating_add(1);
        Ok((window.hits > limit.max).then(|| (window.start + limit.window - now).max(1)))
    }

    async fn take_back(&self, key: &str, limit: Limit, now: Millis) -> StoreResult<()> {
        if let Some(window) = self.lock().limits.get_mut(key) {
            if window.start + limit.window > now {
                window.hits = window.hits.saturating_sub(1);
            }
        }
        Ok(())
    }
}
