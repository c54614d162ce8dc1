//! Client search per keystroke at 100,000 clients and about 150,000 pets: each query kind typed
//! one character at a time, as the Clients screen asks for the first page after each key; and
//! the Staff List's search. Run with `cargo bench -p vetdesk-store --bench client_search`;
//! figures go to BENCHMARKS.md. On SQLite by default; `VETDESK_BENCH_PG_URL` names a PostgreSQL
//! database to run on instead (empty, or holding the clinic an earlier run generated).
//! `VETDESK_BENCH_CLIENTS` changes the clinic's size.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use vetdesk_core::client::{ClientFilter, ClientQuery};
use vetdesk_core::ports::Store;
use vetdesk_core::testing::T0;
use vetdesk_store::{demo, CountedTable, PgStore, SqliteStore};

/// The clinic's own number, as the demo's settings have it.
const CLINIC_PHONE: &str = "+1 555 0142";
/// One page of the list plus the one that tells whether there is another.
const PAGE: u32 = 101;
/// Every keystroke of every kind is searched this many times.
const ROUNDS: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let count: usize = std::env::var("VETDESK_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let mut pg = None;
    let (store, fresh): (Arc<dyn Store>, bool) = match std::env::var("VETDESK_BENCH_PG_URL") {
        Ok(url) => {
            let store = PgStore::connect(&url).await.unwrap();
            let fresh = store.count(CountedTable::Clients).await.unwrap() == 0;
            println!("backend: PostgreSQL");
            pg = Some(store.clone());
            (Arc::new(store), fresh)
        }
        Err(_) => {
            // `VETDESK_BENCH_DB` keeps the generated clinic in that file, and reuses it.
            let kept = std::env::var_os("VETDESK_BENCH_DB").map(std::path::PathBuf::from);
            let path = kept.unwrap_or_else(|| dir.path().join("bench.sqlite3"));
            let fresh = !path.exists();
            println!("backend: SQLite");
            (Arc::new(SqliteStore::open(&path).await.unwrap()), fresh)
        }
    };
    let clients = demo::clients(count, 42);
    if fresh {
        demo::seed_staff(store.as_ref(), T0, |_| "not a hash".into())
            .await
            .unwrap();
        let started = Instant::now();
        let pets: usize = clients.iter().map(|c| c.pets.len()).sum();
        for chunk in clients.chunks(5_000) {
            store.insert_clients(chunk, 0).await.unwrap();
        }
        println!(
            "generated {count} clients with {pets} pets in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        // As the server's autovacuum would by the time anyone searches: planner statistics,
        // and the visibility map that lets an index answer alone.
        if let Some(pg) = &pg {
            sqlx::query("VACUUM ANALYZE")
                .execute(pg.pool())
                .await
                .unwrap();
        }
    }

    // What a receptionist types for each kind, taken from real rows of this clinic.
    let sample = &clients[count / 3];
    let email = sample
        .email
        .clone()
        .unwrap_or_else(|| "a.b@mail.example".into());
    let phone = sample.phone.clone().unwrap();
    let local_phone: String = phone.chars().skip_while(|c| *c != '(').collect();
    let kinds: [(&str, String); 6] = [
        ("last name", sample.last_name.clone()),
        (
            "first last",
            format!("{} {}", sample.first_name, sample.last_name),
        ),
        ("email", email),
        ("pet", sample.pets[0].name.clone()),
        ("phone", phone),
        ("phone, no country code", local_phone),
    ];
    println!("| query kind | typed | keystrokes | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|---|---|");
    let mut all = Vec::new();
    for (kind, typed) in &kinds {
        let mut times = Vec::new();
        for _ in 0..ROUNDS {
            for end in 1..=typed.chars().count() {
                let prefix: String = typed.chars().take(end).collect();
                let query =
                    ClientQuery::typed(&prefix, CLINIC_PHONE, ClientFilter::All, None, PAGE);
                let t = Instant::now();
                let rows = store.search_clients(&query).await.unwrap();
                times.push(t.elapsed());
                std::hint::black_box(rows);
            }
        }
        times.sort();
        println!(
            "| {kind} | `{typed}` | {} | {} | {} | {} |",
            typed.chars().count(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap())
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "| every keystroke | | {} | {} | {} | {} |",
        all.len() / ROUNDS,
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.95)),
        ms(*all.last().unwrap())
    );
    staff_search(store.as_ref()).await;
}

/// The Staff List's search box, typed a character at a time: a name, a username, an email.
async fn staff_search(store: &dyn Store) {
    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        for typed in ["Morgan Reyes", "jokafor", "dpatel@"] {
            for end in 0..=typed.len() {
                let t = Instant::now();
                let rows = store.list_staff(&typed[..end], 200).await.unwrap();
                times.push(t.elapsed());
                std::hint::black_box(rows);
            }
        }
    }
    times.sort();
    println!(
        "| staff search, every keystroke | | {} | {} | {} | {} |",
        times.len() / ROUNDS,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap())
    );
}
