//! Client search per keystroke on SQLite at 100,000 clients and about 150,000 pets: each query
//! kind typed one character at a time, as the Clients screen asks for the first page after each
//! key. Run with `cargo bench -p vetdesk-store --bench client_search`; figures go to
//! BENCHMARKS.md. `VETDESK_BENCH_CLIENTS` changes the clinic's size.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use vetdesk_core::client::{ClientFilter, ClientQuery};
use vetdesk_core::ports::ClientStore;
use vetdesk_store::{demo, SqliteStore};

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
    // `VETDESK_BENCH_DB` keeps the generated clinic in that file, and reuses it when it exists.
    let kept = std::env::var_os("VETDESK_BENCH_DB").map(std::path::PathBuf::from);
    let path = kept
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.sqlite3"));
    let fresh = !path.exists();
    let store = SqliteStore::open(&path).await.unwrap();
    let clients = demo::clients(count, 42);
    if fresh {
        let started = Instant::now();
        let pets: usize = clients.iter().map(|c| c.pets.len()).sum();
        for chunk in clients.chunks(5_000) {
            store.insert_clients(chunk, 0).await.unwrap();
        }
        println!(
            "generated {count} clients with {pets} pets in {:.1} s",
            started.elapsed().as_secs_f64()
        );
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
}
