//! Test support (`test-support` feature): an in-memory clinic database with the semantics of the
//! real stores, and one builder that assembles the recovery flows over any store for the core
//! tests, the store tests and the benches.

pub mod dkim;
mod memory;
pub mod roster;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rand::rngs::OsRng;

pub use memory::{MemoryKeyring, MemoryStore, OutboxRow};

use crate::limits::LimitConfig;
use crate::ports::{BreachCheck, InlineHashing, NoBreachCheck, PasswordHashing, Store};
use crate::recovery::{Recovery, RecoveryParts};
use crate::seal::Sealer;
use crate::session::Actor;
use crate::staff::StaffRecord;
use crate::time::{Clock, ManualClock, Millis};
use crate::token::CodePepper;

/// The moment every test clinic starts at.
pub const T0: Millis = 1_790_000_000_000;

/// The recovery flows over a store, with a hand-moved clock and the parts a test looks into.
pub struct TestClinic {
    pub recovery: Arc<Recovery>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    pub sealer: Arc<Sealer>,
    /// A random one per clinic, as a real clinic's is.
    pub pepper: CodePepper,
    pub keyring: Arc<MemoryKeyring>,
    wakes: Arc<AtomicUsize>,
}

impl TestClinic {
    /// How many times the flows woke the outbox dispatcher.
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::SeqCst)
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// `staff`, signed in at this desk just now (without a sign-in in the audit log).
    pub async fn at_desk(&self, staff: &StaffRecord) -> Actor {
        let session = self.store.create_session(staff.id, self.now()).await;
        let session = session.expect("the store opens a session");
        let actor = self.recovery.actor(Some(session), "desk-1").await;
        actor.expect("a session just opened is open")
    }
}

pub struct ClinicBuilder {
    store: Arc<dyn Store>,
    hashing: Arc<dyn PasswordHashing>,
    breach: Arc<dyn BreachCheck>,
    limits: LimitConfig,
    start: Millis,
    on_wake: Box<dyn Fn() + Send + Sync>,
}

impl ClinicBuilder {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            hashing: Arc::new(InlineHashing),
            breach: Arc::new(NoBreachCheck),
            limits: LimitConfig::default(),
            start: T0,
            on_wake: Box::new(|| {}),
        }
    }

    pub fn hashing(mut self, hashing: Arc<dyn PasswordHashing>) -> Self {
        self.hashing = hashing;
        self
    }

    pub fn breach(mut self, breach: Arc<dyn BreachCheck>) -> Self {
        self.breach = breach;
        self
    }

    pub fn limits(mut self, limits: LimitConfig) -> Self {
        self.limits = limits;
        self
    }

    pub fn start(mut self, at: Millis) -> Self {
        self.start = at;
        self
    }

    /// Also called whenever the flows wake the outbox (a bench runs a real dispatcher).
    pub fn on_wake(mut self, wake: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_wake = Box::new(wake);
        self
    }

    pub fn build(self) -> TestClinic {
        let clock = Arc::new(ManualClock::new(self.start));
        let sealer = Arc::new(Sealer::new(&Sealer::generate_key()));
        let pepper = CodePepper::new(CodePepper::generate());
        let keyring = Arc::new(MemoryKeyring::default());
        let wakes = Arc::new(AtomicUsize::new(0));
        let counter = wakes.clone();
        let on_wake = self.on_wake;
        let recovery = Arc::new(Recovery::new(RecoveryParts {
            store: self.store.clone(),
            sealer: sealer.clone(),
            pepper: pepper.clone(),
            hashing: self.hashing,
            breach: self.breach,
            keyring: keyring.clone(),
            clock: clock.clone(),
            limits: self.limits,
            rng: Box::new(OsRng),
            outbox_wake: Box::new(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                on_wake();
            }),
        }));
        TestClinic {
            recovery,
            store: self.store,
            clock,
            sealer,
            pepper,
            keyring,
            wakes,
        }
    }
}
