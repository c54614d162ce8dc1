//! Replay of 1,000 actions a front desk queued while the clinic's server could not be reached:
//! half reset links to staff members from the Staff List, half paw-icon emails (portal
//! invitations) to clients, queued in the workstation's own SQLite file as the desk queues them
//! and replayed on PostgreSQL as the app's monitor does (`src-tauri/src/offline/monitor.rs`):
//! the waiting actions read once, then each replayed through the core and settled in the queue,
//! in order. Then the whole list is replayed again, as after a crash between the server's
//! commit and the desk's record, which must write nothing.
//!
//! `VETDESK_BENCH_PG_URL=postgres://… cargo bench -p vetdesk-store --bench replay` with an
//! empty database; figures go to BENCHMARKS.md. `VETDESK_BENCH_ACTIONS` changes the count.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::OsRng;
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{NewClient, NewPet};
use vetdesk_core::limits::LimitConfig;
use vetdesk_core::offline::{
    self, NewQueuedAction, QueuedAction, QueuedKind, QueuedState, Replayed,
};
use vetdesk_core::ports::{ClientStore, InlineHashing, NoBreachCheck, SettingsStore, StaffStore};
use vetdesk_core::recovery::{Recovery, RecoveryParts};
use vetdesk_core::seal::Sealer;
use vetdesk_core::settings::Settings;
use vetdesk_core::staff::{NewStaff, StaffStatus};
use vetdesk_core::testing::MemoryKeyring;
use vetdesk_core::time::MINUTE;
use vetdesk_core::token::CodePepper;
use vetdesk_core::{Clock, CoreError, Role, StoreError, SystemClock};
use vetdesk_store::queue::ActionQueue;
use vetdesk_store::{CountedTable, PgStore};

const WS: &str = "front-desk-1";
/// What the core answers for an action the clinic database already has under its key.
const ALREADY_APPLIED: &str = "The clinic database already had this action.";

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// One pass over the queue: per action, the replay and the settle.
#[derive(Default)]
struct Pass {
    wall: Duration,
    waiting: Duration,
    replays: Vec<Duration>,
    settles: Vec<Duration>,
    totals: Vec<Duration>,
    /// The replays of staff resets, then of paw emails.
    kinds: [Vec<Duration>; 2],
    sent: usize,
    already: usize,
    refused: Vec<String>,
}

impl Pass {
    fn print(&mut self, name: &str) {
        let n = self.totals.len();
        println!(
            "{name}: {n} actions in {:.2} s, {:.0} actions/s (reading the queue {} ms); \
             sent {}, of which already applied {}, refused {}",
            self.wall.as_secs_f64(),
            n as f64 / self.wall.as_secs_f64(),
            ms(self.waiting),
            self.sent,
            self.already,
            self.refused.len()
        );
        let [resets, links] = &mut self.kinds;
        println!("| {name}, per action | p50 ms | p95 ms | max ms | sum s |");
        println!("|---|---|---|---|---|");
        for (what, times) in [
            ("replay + settle", &mut self.totals),
            ("replay (PostgreSQL)", &mut self.replays),
            ("settle (queue file)", &mut self.settles),
            ("replay, staff reset", resets),
            ("replay, paw email", links),
        ] {
            times.sort();
            let sum: Duration = times.iter().sum();
            println!(
                "| {what} | {} | {} | {} | {:.2} |",
                ms(percentile(times, 0.5)),
                ms(percentile(times, 0.95)),
                ms(*times.last().unwrap()),
                sum.as_secs_f64()
            );
        }
        for reason in self.refused.iter().take(5) {
            println!("  refused: {reason}");
        }
    }
}

/// The monitor's loop: each action replayed, then settled, in order; `list` is what
/// `waiting()` answered (read by the caller, so that a second pass can replay it again).
async fn replay(queue: &ActionQueue, recovery: &Recovery, list: &[QueuedAction]) -> Pass {
    let mut pass = Pass::default();
    for action in list {
        let t = Instant::now();
        let (state, outcome) = match recovery.replay(action, WS).await {
            Ok(Replayed::Sent(message)) => (QueuedState::Sent, message),
            Ok(Replayed::Refused(reason)) => (QueuedState::Refused, reason),
            Err(e @ CoreError::Store(StoreError::Unavailable(_) | StoreError::Busy)) => {
                panic!("replay stopped at action {}: {e}", action.id)
            }
            Err(e) => (QueuedState::Refused, e.to_string()),
        };
        let replayed = t.elapsed();
        match state {
            QueuedState::Sent if outcome == ALREADY_APPLIED => {
                pass.sent += 1;
                pass.already += 1
            }
            QueuedState::Sent => pass.sent += 1,
            _ => pass.refused.push(outcome.clone()),
        }
        queue
            .settle(action.id, state, &outcome, SystemClock.now())
            .await
            .unwrap();
        let total = t.elapsed();
        pass.replays.push(replayed);
        pass.kinds[usize::from(action.kind == QueuedKind::PortalLink)].push(replayed);
        pass.settles.push(total - replayed);
        pass.totals.push(total);
    }
    pass
}

fn recovery(store: PgStore) -> Recovery {
    Recovery::new(RecoveryParts {
        store: Arc::new(store),
        sealer: Arc::new(Sealer::new(&Sealer::generate_key())),
        pepper: CodePepper::new(CodePepper::generate()),
        hashing: Arc::new(InlineHashing),
        breach: Arc::new(NoBreachCheck),
        // Answers None: the preview outbox needs no SMTP password.
        keyring: Arc::new(MemoryKeyring::default()),
        clock: Arc::new(SystemClock),
        limits: LimitConfig::default(),
        rng: Box::new(OsRng),
        outbox_wake: Box::new(|| {}),
    })
}

async fn scalar(store: &PgStore, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Transactions committed in this database so far, once the backends have reported them: a
/// backend that flushed its statistics less than a second before going idle waits 10 s
/// (PostgreSQL's `PGSTAT_IDLE_INTERVAL`) before the next flush.
async fn commits(store: &PgStore) -> i64 {
    tokio::time::sleep(Duration::from_secs(11)).await;
    scalar(
        store,
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .await
}

/// What the replays wrote: emails, audit events under an action key, tokens of both kinds.
async fn written(store: &PgStore) -> [i64; 3] {
    [
        store.count(CountedTable::Emails).await.unwrap(),
        scalar(
            store,
            "SELECT count(*) FROM audit_events WHERE action_key IS NOT NULL",
        )
        .await,
        scalar(
            store,
            "SELECT (SELECT count(*) FROM reset_tokens) + (SELECT count(*) FROM portal_tokens)",
        )
        .await,
    ]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url =
        std::env::var("VETDESK_BENCH_PG_URL").expect("VETDESK_BENCH_PG_URL: an empty database");
    let count: usize = std::env::var("VETDESK_BENCH_ACTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let resets = count / 2;
    let links = count - resets;
    let store = PgStore::connect(&url).await.unwrap();
    assert_eq!(
        store.count(CountedTable::Staff).await.unwrap(),
        0,
        "VETDESK_BENCH_PG_URL: an empty database"
    );

    // The clinic: the demo's settings with a web address for portal links and the preview
    // outbox (nothing leaves the machine), an admin at the desk, a staff member per reset and a
    // client per paw email, each with an address of their own (the resend rule is per address).
    let setup = Instant::now();
    let now = SystemClock.now();
    let mut settings = Settings::demo();
    settings.clinic.clinic_url = Some("https://harborview-clinic.example/".into());
    let audit = AuditEvent::new(now, AuditAction::SettingsSaved, AuditOutcome::Ok, "bench");
    store.save_settings(&settings, &audit).await.unwrap();
    let person = |username: String, name: String, role| NewStaff {
        email: Some(format!("{username}@harborview-clinic.example")),
        username,
        display_name: name,
        role,
        status: StaffStatus::Active,
        password_hash: "not used here".into(),
    };
    let mut staff = vec![person("admin".into(), "Alex Admin".into(), Role::Admin)];
    staff.extend((0..resets).map(|n| {
        person(
            format!("staff{n:04}"),
            format!("Staff Member {n}"),
            Role::Receptionist,
        )
    }));
    let staff_ids = store.insert_staff(&staff, now).await.unwrap();
    let clients: Vec<NewClient> = (0..links)
        .map(|n| NewClient {
            first_name: "Jordan".into(),
            last_name: format!("Owner{n:04}"),
            email: Some(format!("owner{n:04}@mail.example")),
            phone: None,
            address: None,
            pets: vec![NewPet {
                name: "Nala".into(),
                species: "Dog".into(),
                breed: None,
            }],
        })
        .collect();
    let client_ids = store.insert_clients(&clients, now).await.unwrap();
    println!(
        "clinic: 1 admin, {resets} staff, {links} clients in {:.2} s",
        setup.elapsed().as_secs_f64()
    );

    // What the desk queued while offline, a reset and a paw email in turn, over the last half
    // hour, by the admin.
    let dir = tempfile::tempdir().unwrap();
    let queue = ActionQueue::open(&dir.path().join("queue.sqlite3"))
        .await
        .unwrap();
    let admin = staff_ids[0];
    let mut rng = OsRng;
    let pushed = Instant::now();
    let (mut r, mut l) = (0, 0);
    for n in 0..count {
        let (kind, subject_id, subject_name) = if (n % 2 == 0 && r < resets) || l == links {
            r += 1;
            let who = &staff[r];
            (
                QueuedKind::StaffReset,
                staff_ids[r],
                who.display_name.clone(),
            )
        } else {
            l += 1;
            let who = &clients[l - 1];
            let name = format!("{} {}", who.first_name, who.last_name);
            (QueuedKind::PortalLink, client_ids[l - 1], name)
        };
        let action = NewQueuedAction {
            key: offline::new_key(&mut rng),
            kind,
            actor_id: admin,
            subject_id,
            actor_name: "Alex Admin".into(),
            subject_name,
            queued_at: now - 30 * MINUTE + n as i64 * 1_000,
            selection: None,
        };
        queue.push(&action).await.unwrap();
    }
    println!(
        "queued {count} actions in {:.2} s (one fsync'd commit each)",
        pushed.elapsed().as_secs_f64()
    );

    // The server answers again.
    let recovery = recovery(store.clone());
    let before = commits(&store).await;
    let started = Instant::now();
    let list = queue.waiting().await.unwrap();
    let waiting = started.elapsed();
    assert_eq!(list.len(), count);
    let mut first = replay(&queue, &recovery, &list).await;
    first.wall = started.elapsed();
    first.waiting = waiting;
    let after = commits(&store).await;
    first.print("replay");
    let [emails, keyed, tokens] = written(&store).await;
    let still_waiting = queue.waiting_count().await.unwrap();
    println!(
        "after: {emails} emails in the outbox, {keyed} audit events with an action key, \
         {tokens} tokens, {still_waiting} actions waiting; about {:.1} PostgreSQL transactions \
         per action",
        (after - before) as f64 / count as f64
    );
    assert_eq!(first.sent, count, "{:?}", first.refused.first());
    assert_eq!(emails, count as i64);
    assert_eq!(keyed, count as i64);
    assert_eq!(still_waiting, 0);

    // As after a crash between the server's commit and the desk's record: every action again.
    let started = Instant::now();
    let mut again = replay(&queue, &recovery, &list).await;
    again.wall = started.elapsed();
    let later = commits(&store).await;
    again.print("replayed again");
    let written_again = written(&store).await;
    println!(
        "after: {} emails in the outbox, {} audit events with an action key, {} tokens; \
         about {:.1} PostgreSQL transactions per action",
        written_again[0],
        written_again[1],
        written_again[2],
        (later - after) as f64 / count as f64
    );
    assert_eq!(again.already, count);
    assert_eq!(written_again, [emails, keyed, tokens]);
    queue.close().await;
    store.close().await;
}
