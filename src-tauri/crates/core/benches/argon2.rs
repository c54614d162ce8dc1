//! argon2id hash and verify time at VetDesk's parameters (m = 19 MiB, t = 2, p = 1), beside the
//! keyed digest (HMAC-SHA256 with the workstation's pepper) that one-time codes use instead.
//! `cargo bench -p vetdesk-core --bench argon2`; figures go to BENCHMARKS.md.

use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() {
    let runs = 30;
    let mut hash_times = Vec::with_capacity(runs);
    let mut verify_times = Vec::with_capacity(runs);
    let mut last = String::new();
    for i in 0..runs {
        let password = format!("lantern orbit pickle saxophone {i}");
        let start = Instant::now();
        last = vetdesk_core::password::hash(&password).expect("hash");
        hash_times.push(start.elapsed());
        let start = Instant::now();
        assert!(vetdesk_core::password::verify(&password, &last));
        verify_times.push(start.elapsed());
    }
    hash_times.sort();
    verify_times.sort();
    println!(
        "argon2id parameters: {}",
        &last[..last.rfind('$').unwrap_or(0)]
            .rsplit_once('$')
            .map(|x| x.0)
            .unwrap_or("")
    );
    for (name, times) in [("hash", &hash_times), ("verify", &verify_times)] {
        println!(
            "{name:6}  runs {runs}  p50 {:>6.1} ms  p95 {:>6.1} ms  min {:>6.1} ms",
            percentile(times, 0.5).as_secs_f64() * 1e3,
            percentile(times, 0.95).as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
        );
    }
    let pepper = vetdesk_core::token::CodePepper::new(vetdesk_core::token::CodePepper::generate());
    let digests = 10_000;
    let start = Instant::now();
    for i in 0..digests {
        std::hint::black_box(pepper.digest(&format!("K7P29XQM{i:02}")));
    }
    let each = start.elapsed() / digests;
    println!(
        "code digest (HMAC-SHA256, keyed)  {digests} digests  {:.2} µs each",
        each.as_secs_f64() * 1e6
    );
}
