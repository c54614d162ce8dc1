//! Front desks at their busiest on one clinic PostgreSQL server: 50 simulated workstations, each
//! with its own connection, for 60 s. Each searches the client list as a receptionist types a
//! last name quickly (a request per keystroke, 150 ms apart, half a second between names), and
//! every tenth search an admin at it sends a staff member a reset link through the core. Reports p50/p95/max per action, and every error;
//! a refusal by a recovery rule (a resend inside the minute, a limit) is counted apart, since it
//! is the answer a person would get.
//!
//! Run after `client_search` generated the clinic there:
//! `VETDESK_BENCH_PG_URL=postgres://… cargo bench -p vetdesk-store --bench workstations`.
//! `VETDESK_BENCH_WORKSTATIONS` and `VETDESK_BENCH_SECONDS` change the load.

#![allow(clippy::unwrap_used)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::OsRng;
use rand::{Rng, SeedableRng};
use sqlx::postgres::PgConnectOptions;
use vetdesk_core::client::{ClientFilter, ClientQuery};
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::ports::{InlineHashing, NoBreachCheck, Store};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::testing::MemoryKeyring;
use vetdesk_core::token::CodePepper;
use vetdesk_core::{CoreError, SystemClock};
use vetdesk_store::PgStore;

const PAGE: u32 = 101;
/// A fast typist's pace, and the pause before the next name.
const KEYSTROKE: Duration = Duration::from_millis(150);
const BETWEEN_NAMES: Duration = Duration::from_millis(500);

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default)]
struct Tally {
    searches: Vec<Duration>,
    resets: Vec<Duration>,
    refused: usize,
    errors: Vec<String>,
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn row(what: &str, times: &mut [Duration]) {
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!(
        "| {what} | {} | {} | {} | {} |",
        times.len(),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(*times.last().unwrap())
    );
}

async fn workstation(
    store: PgStore,
    sealer: Arc<Sealer>,
    pepper: CodePepper,
    n: u64,
    until: Instant,
) -> Tally {
    let store: Arc<dyn Store> = Arc::new(store);
    let recovery = Recovery::new(RecoveryParts {
        store: store.clone(),
        sealer,
        pepper,
        hashing: Arc::new(InlineHashing),
        breach: Arc::new(NoBreachCheck),
        keyring: Arc::new(MemoryKeyring::default()),
        clock: Arc::new(SystemClock),
        limits: LimitConfig::default(),
        rng: Box::new(OsRng),
        outbox_wake: Box::new(|| {}),
    });
    let ws = format!("desk-{n:02}");
    let admin = store.find_staff_by_login("admin").await.unwrap().unwrap();
    let session = store
        .create_session(admin.id, vetdesk_core::Clock::now(&SystemClock))
        .await
        .unwrap();
    let staff = store.list_staff("", 500).await.unwrap();
    let clients = store
        .search_clients(&ClientQuery::typed("", "", ClientFilter::All, None, 1_000))
        .await
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(n);
    let mut tally = Tally::default();
    let mut searches = 0u64;
    while Instant::now() < until {
        tokio::time::sleep(BETWEEN_NAMES).await;
        let name = &clients[rng.gen_range(0..clients.len())].last_name;
        for end in 1..=name.chars().count().min(5) {
            let typed: String = name.chars().take(end).collect();
            let query = ClientQuery::typed(&typed, "", ClientFilter::All, None, PAGE);
            let t = Instant::now();
            match store.search_clients(&query).await {
                Ok(rows) => {
                    tally.searches.push(t.elapsed());
                    std::hint::black_box(rows);
                }
                Err(e) => tally.errors.push(format!("search: {e}")),
            }
            searches += 1;
            tokio::time::sleep(KEYSTROKE.saturating_sub(t.elapsed())).await;
            if searches % 10 == 0 {
                let target = &staff[rng.gen_range(0..staff.len())];
                let t = Instant::now();
                let sent = async {
                    let actor = recovery.actor(Some(session), &ws).await?;
                    recovery.send_staff_reset(&actor, target.id, &ws).await
                };
                match sent.await {
                    Ok(_) => tally.resets.push(t.elapsed()),
                    Err(
                        CoreError::ResendTooSoon { .. }
                        | CoreError::Throttled { .. }
                        | CoreError::InvalidInput { .. }
                        | CoreError::NoEmail(_)
                        | CoreError::Forbidden(_),
                    ) => tally.refused += 1,
                    Err(e) => tally.errors.push(format!("reset: {e}")),
                }
            }
        }
    }
    tally
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url = std::env::var("VETDESK_BENCH_PG_URL")
        .expect("VETDESK_BENCH_PG_URL: a database the client_search bench filled");
    let desks = env_or("VETDESK_BENCH_WORKSTATIONS", 50);
    let seconds = env_or("VETDESK_BENCH_SECONDS", 60);
    let options = PgConnectOptions::from_str(&url).unwrap();
    let sealer = Arc::new(Sealer::new(&Sealer::generate_key()));
    let pepper = CodePepper::new(CodePepper::generate());
    let mut stores = Vec::new();
    for _ in 0..desks {
        stores.push(PgStore::open_sized(options.clone(), 1).await.unwrap());
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = stores
        .into_iter()
        .enumerate()
        .map(|(n, store)| {
            tokio::spawn(workstation(
                store,
                sealer.clone(),
                pepper.clone(),
                n as u64,
                until,
            ))
        })
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await.unwrap();
        all.searches.extend(t.searches);
        all.resets.extend(t.resets);
        all.refused += t.refused;
        all.errors.extend(t.errors);
    }
    println!("{desks} workstations, {seconds} s, one connection each");
    println!("| action | count | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|---|");
    row("client search keystroke", &mut all.searches);
    row("staff reset sent", &mut all.resets);
    println!(
        "refused by a rule: {}; errors: {}",
        all.refused,
        all.errors.len()
    );
    for e in all.errors.iter().take(10) {
        println!("  {e}");
    }
}
