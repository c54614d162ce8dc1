//! The offline copy at 100,000 clients and about 150,000 pets: a full refresh of a workstation's
//! SQLite file from the clinic's PostgreSQL server, three times (into an empty file, then over
//! the copy it made), with each run's wall time and the file's size after it. Run with
//! `VETDESK_BENCH_PG_URL=postgres://… cargo bench -p vetdesk-store --bench mirror`; the database
//! it names is filled with the clinic when empty (as the client_search bench fills it, plus a
//! portal account for one client in ten), and reused as it is otherwise. Figures go to
//! BENCHMARKS.md. `VETDESK_BENCH_CLIENTS` changes the clinic's size.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Instant;

use vetdesk_core::ports::Store;
use vetdesk_core::testing::T0;
use vetdesk_store::mirror::refresh;
use vetdesk_store::{demo, CountedTable, PgStore, SqliteStore};

const RUNS: usize = 3;

fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let Ok(url) = std::env::var("VETDESK_BENCH_PG_URL") else {
        println!("VETDESK_BENCH_PG_URL names no PostgreSQL database: nothing to measure");
        return;
    };
    let count: usize = std::env::var("VETDESK_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let server = PgStore::connect(&url).await.unwrap();
    if server.count(CountedTable::Clients).await.unwrap() == 0 {
        let store: &dyn Store = &server;
        demo::seed_staff(store, T0, |_| "not a hash".into())
            .await
            .unwrap();
        let started = Instant::now();
        for chunk in demo::clients(count, 42).chunks(5_000) {
            store.insert_clients(chunk, T0).await.unwrap();
        }
        sqlx::query(
            "INSERT INTO portal_accounts (client_id, username, status, password_hash, created_at) \
             SELECT id, lower(email), 'active', 'not a hash', 0 FROM clients \
             WHERE email IS NOT NULL AND id % 10 = 0",
        )
        .execute(server.pool())
        .await
        .unwrap();
        sqlx::query("VACUUM ANALYZE")
            .execute(server.pool())
            .await
            .unwrap();
        println!(
            "generated {count} clients in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offline.sqlite3");
    let wal = dir.path().join("offline.sqlite3-wal");
    let cache = SqliteStore::open(&path).await.unwrap();
    println!("| run | staff | clients | pets | portal accounts | wall s | file MiB | WAL MiB |");
    println!("|---|---|---|---|---|---|---|---|");
    for run in 1..=RUNS {
        let started = Instant::now();
        let report = refresh(&server, &cache, T0 + run as i64).await.unwrap();
        let took = started.elapsed();
        println!(
            "| {run} | {} | {} | {} | {} | {:.2} | {} | {} |",
            report.staff,
            report.clients,
            report.pets,
            report.portal_accounts,
            took.as_secs_f64(),
            mib(size(&path)),
            mib(size(&wal))
        );
    }
    cache.close().await;
    println!(
        "closed: file {} MiB, WAL {} MiB",
        mib(size(&path)),
        mib(size(&wal))
    );
}
