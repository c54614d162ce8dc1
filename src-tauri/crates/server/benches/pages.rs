//! vetdesk-server under load, the real binary on a SQLite clinic: the portal's set-password page
//! fetched by 50 clients at once (latency per request), then set-password submits (each one
//! argon2 hash; throughput). `cargo bench -p vetdesk-server --bench pages`; figures go to
//! BENCHMARKS.md. The load comes from this program (tokio tasks with reqwest), not a separate
//! tool. Each submit comes from its own address through X-Forwarded-For, as from many homes, so
//! the per-address limits do not cut the run short.

#![allow(clippy::unwrap_used, dead_code)]

#[path = "../tests/server/running.rs"]
mod running;
#[path = "../tests/server/support.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{client, from_the_page, Server, TestClinic};

const CLINIC_URL: &str = "https://portal.harborview-clinic.example";
const CLIENTS: usize = 50;
const GETS: usize = 10_000;
const POSTS: usize = 200;
const POST_CONCURRENCY: usize = 8;
const PASSWORD: &str = "harbor lantern violet sixteen";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    ms(sorted[((sorted.len() as f64 - 1.0) * p).round() as usize])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let clinic = TestClinic::new(Some(CLINIC_URL), &[]).await;
    let mut links = Vec::with_capacity(POSTS);
    for n in 0..POSTS {
        let id = clinic
            .add_client(
                "Bench",
                &format!("Client{n:03}"),
                &format!("bench{n}@mail.example"),
            )
            .await;
        links.push(clinic.portal_link(id).await);
    }
    let server = Arc::new(Server::start(&clinic.db, &["--trust-forwarded-for"]));

    // The page a link opens: the same for every client, the token stays in the fragment.
    let url = Arc::new(server.url("/portal/set-password"));
    let per_client = GETS / CLIENTS;
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move {
                let http = client();
                let mut times = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let t = Instant::now();
                    let response = http.get(url.as_str()).send().await.unwrap();
                    assert_eq!(response.status(), 200);
                    response.bytes().await.unwrap();
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::with_capacity(GETS);
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "GET /portal/set-password, {CLIENTS} clients at once, {} requests: p50 {:.2} ms, p95 \
         {:.2} ms, max {:.2} ms, {:.0} requests/s",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        ms(*times.last().unwrap()),
        times.len() as f64 / elapsed.as_secs_f64()
    );

    // Submits that set a password: the policy check and one argon2 hash each.
    let links = Arc::new(tokio::sync::Mutex::new(links));
    let started = Instant::now();
    let tasks: Vec<_> = (0..POST_CONCURRENCY)
        .map(|worker| {
            let links = links.clone();
            let server = server.clone();
            tokio::spawn(async move {
                let http = client();
                let mut times = Vec::new();
                let mut n = 0;
                loop {
                    // Taken in a statement of its own, so the lock is not held over the request.
                    let next = links.lock().await.pop();
                    let Some(link) = next else { break };
                    n += 1;
                    let from = format!("10.{worker}.{}.{}", n / 250, n % 250 + 1);
                    let t = Instant::now();
                    let response = from_the_page(http.post(server.url("/portal/set-password")))
                        .header("X-Forwarded-For", from)
                        .form(&[
                            ("token", link.as_str()),
                            ("username", "shown@example.invalid"),
                            ("password", PASSWORD),
                            ("confirm", PASSWORD),
                        ])
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
                    times.push(t.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::with_capacity(POSTS);
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    times.sort();
    println!(
        "POST /portal/set-password, {POST_CONCURRENCY} at once, {} passwords set: {:.1} per \
         second, p50 {:.0} ms, p95 {:.0} ms",
        times.len(),
        times.len() as f64 / elapsed.as_secs_f64(),
        percentile(&times, 0.5),
        percentile(&times, 0.95)
    );
}
