//! Cold start to a usable window, and idle memory of every process the app runs, for VetDesk
//! beside a bare Tauri window built the same way. Each app starts through tauri-driver (the same
//! WebDriver overhead for both) until its first screen's element exists; memory is the summed PSS
//! of the app and its WebKit processes after 5 s idle.
//!
//! Run under Xvfb and a D-Bus session with an unlocked keyring, with `BARE_APP` pointing at the
//! bare window (see BENCHMARKS.md for the exact commands). `VETDESK_APP` measures another
//! VetDesk binary than the one cargo built, such as the installed package's `/usr/bin/vetdesk`.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{ClientBuilder, Locator};
use serde_json::json;
use vetdesk_testkit::smtp::free_port;

const RUNS: usize = 12;

fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(p) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
        let ppid: u32 = after
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if ppid == pid {
            out.push(p);
        }
    }
    out
}

fn descendants(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        all.extend(children(all[i]));
        i += 1;
    }
    all
}

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn name(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

async fn one_start(app: &Path, ready: &str, home: &Path) -> (Duration, u64, usize) {
    let port = free_port();
    let mut driver = Command::new("tauri-driver")
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &free_port().to_string(),
        ])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        // The demo clinic has accounts, so a start ends at the sign-in screen.
        .env("VETDESK_DEMO", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver on PATH");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), json!({ "application": app }));
    let start = Instant::now();
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap();
    let css = format!("[data-testid=\"{ready}\"]");
    client
        .wait()
        .at_most(Duration::from_secs(60))
        // Fantoccini polls every 250 ms by default, which would round the start up to that.
        .every(Duration::from_millis(5))
        .for_element(Locator::Css(&css))
        .await
        .unwrap();
    let elapsed = start.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let app_name: String = app
        .file_name()
        .unwrap()
        .to_string_lossy()
        .chars()
        .take(15)
        .collect();
    let app_pid = descendants(driver.id())
        .into_iter()
        .find(|p| name(*p) == app_name)
        .expect("app process");
    let tree = descendants(app_pid);
    let pss = tree.iter().map(|p| pss_kib(*p)).sum();
    client.close().await.unwrap();
    let _ = driver.kill();
    let _ = driver.wait();
    (elapsed, pss, tree.len())
}

async fn measure(label: &str, app: &Path, ready: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut starts = Vec::new();
    let mut pss = Vec::new();
    let mut processes = 0;
    for run in 0..RUNS {
        let (t, m, n) = one_start(app, ready, home.path()).await;
        if run == 0 {
            println!(
                "{label:8} first run (creates its data)  start {:>6.0} ms",
                t.as_secs_f64() * 1e3
            );
            continue;
        }
        starts.push(t);
        pss.push(m);
        processes = n;
    }
    starts.sort();
    pss.sort();
    println!(
        "{label:8} start p50 {:>6.0} ms  (min {:.0}, max {:.0}, {} runs)   idle PSS p50 {:>5.1} MiB over {processes} processes",
        starts[starts.len() / 2].as_secs_f64() * 1e3,
        starts[0].as_secs_f64() * 1e3,
        starts[starts.len() - 1].as_secs_f64() * 1e3,
        starts.len(),
        pss[pss.len() / 2] as f64 / 1024.0,
    );
}

#[tokio::main]
async fn main() {
    assert!(std::env::var_os("DISPLAY").is_some(), "run under xvfb-run");
    let bare = PathBuf::from(std::env::var("BARE_APP").expect("BARE_APP=path to the bare window"));
    measure("bare", &bare, "ready").await;
    let vetdesk = std::env::var_os("VETDESK_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_vetdesk")));
    println!("VetDesk: {}", vetdesk.display());
    measure("VetDesk", &vetdesk, "login-username").await;
}
