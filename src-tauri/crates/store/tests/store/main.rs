//! The store and the recovery flows on real SQLite files.

#![allow(clippy::unwrap_used)]

mod flows;
mod sqlite;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use governor::clock::FakeRelativeClock;
use rand::rngs::OsRng;
use vetdesk_core::limits::{LimitConfig, Limits};
use vetdesk_core::ports::{InlineHashing, NoBreachCheck, Store};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::time::ManualClock;
use vetdesk_store::demo;
use vetdesk_store::SqliteStore;

pub const T0: i64 = 1_790_000_000_000;

pub struct Clinic {
    pub dir: tempfile::TempDir,
    pub store: SqliteStore,
    pub recovery: Recovery<FakeRelativeClock>,
    pub clock: Arc<ManualClock>,
    pub sealer: Arc<Sealer>,
    pub wakes: Arc<AtomicUsize>,
}

impl Clinic {
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }
}

/// A demo clinic on a fresh SQLite file. Demo passwords are hashed once, for speed.
pub async fn clinic() -> Clinic {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("vetdesk.sqlite3"))
        .await
        .expect("open store");
    let hash = vetdesk_core::password::hash(demo::DEMO_PASSWORD).expect("hash");
    demo::seed_if_empty(&store, T0, |_| hash.clone())
        .await
        .expect("seed");
    let clock = Arc::new(ManualClock::new(T0));
    let sealer = Arc::new(Sealer::new(&Sealer::generate_key()));
    let wakes = Arc::new(AtomicUsize::new(0));
    let w = wakes.clone();
    let recovery = Recovery::new(RecoveryParts {
        store: Arc::new(store.clone()) as Arc<dyn Store>,
        sealer: sealer.clone(),
        hashing: Arc::new(InlineHashing),
        breach: Arc::new(NoBreachCheck),
        clock: clock.clone(),
        limits: Limits::with_clock(LimitConfig::default(), FakeRelativeClock::default()),
        rng: Box::new(OsRng),
        outbox_wake: Box::new(move || {
            w.fetch_add(1, Ordering::SeqCst);
        }),
    });
    Clinic {
        dir,
        store,
        recovery,
        clock,
        sealer,
        wakes,
    }
}

impl Clinic {
    pub fn clock_now(&self) -> i64 {
        use vetdesk_core::Clock;
        self.clock.now()
    }
}
