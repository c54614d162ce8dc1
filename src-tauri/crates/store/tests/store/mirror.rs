//! The offline copy of the clinic server: a workstation's SQLite file, refreshed from the
//! PostgreSQL server, answers the Staff List, the Clients search and the client profile as the
//! server does; holds no password hash, sign-in, link or email; follows the server's changes,
//! deletions included; and is left exactly as it was by a refresh the network cuts off.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use vetdesk_core::audit::{AuditAction, AuditEvent, AuditOutcome};
use vetdesk_core::client::{ClientCursor, ClientFilter, ClientQuery, NewClient, NewPet};
use vetdesk_core::ports::{
    ClientStore, OutboxStore, PortalStore, SessionStore, SettingsStore, StaffStore, Store,
};
use vetdesk_core::staff::{NewStaff, StaffRecord, StaffStatus};
use vetdesk_core::testing::{ClinicBuilder, T0};
use vetdesk_core::{Role, StoreError};
use vetdesk_store::mirror::{refresh, refreshed_at};
use vetdesk_store::{demo, CountedTable, PgStore, SqliteStore};
use vetdesk_testkit::proxy::TcpProxy;

use crate::backends::{demo_hash, postgres_database, postgres_store, sqlite_file, sqlite_path};
use crate::contract::issue_admin_reset;
use crate::portal::invite;

/// The demo clinic on the server with `clients` clients and their pets, and beside them every
/// kind of secret the server keeps: three portal accounts (the first with a password), a staff
/// reset link, sign-ins of staff and of a portal account, a rate-limit window, the outbox key's
/// fingerprint. Answers the ids of the clients with an account.
async fn seed_server(server: &PgStore, clients: usize) -> Vec<i64> {
    demo::seed_staff(server, T0, |_| demo_hash()).await.unwrap();
    for chunk in demo::clients(clients, 7).chunks(2_000) {
        server.insert_clients(chunk, T0).await.unwrap();
    }
    let reachable = ClientQuery::typed("", "", ClientFilter::NotRegisteredWithEmail, None, 3);
    let mut with_account = Vec::new();
    for (n, row) in (1u8..).zip(server.search_clients(&reachable).await.unwrap()) {
        let username = row.email.as_deref().unwrap().to_lowercase();
        let issued = invite(server, row.id, &username, n).await;
        if n == 1 {
            let set = AuditEvent::new(T0, AuditAction::PortalPasswordSet, AuditOutcome::Ok, "web")
                .client(row.id);
            let hash = demo_hash();
            let done = server.complete_portal_password(issued.token_id, &hash, T0 + 10, None, &set);
            assert!(done.await.unwrap());
            let digest = "5e".repeat(32);
            server
                .create_portal_session(issued.account_id, &digest, T0 + 11)
                .await
                .unwrap();
        }
        with_account.push(row.id);
    }
    issue_admin_reset(server).await;
    server.create_session(1, T0).await.unwrap();
    sqlx::query("INSERT INTO limits (key, window_start, hits) VALUES ('sign_in:account:1', 0, 3)")
        .execute(server.pool())
        .await
        .unwrap();
    assert!(server.clinic_outbox_key(&"ab".repeat(16)).await.unwrap());
    with_account
}

/// What the Staff List shows of a staff member.
fn shown(s: &StaffRecord) -> String {
    format!(
        "{} {} {} {:?} {:?} {:?}",
        s.id, s.username, s.display_name, s.role, s.email, s.status
    )
}

async fn staff_list(store: &dyn Store, query: &str) -> Vec<String> {
    let list = store.list_staff(query, 1_000).await.unwrap();
    list.iter().map(shown).collect()
}

/// The cache answers as the server does: the Staff List and each staff member, the Clients
/// search through the core (every page of the whole list and of the filter, and a query of each
/// kind), each client and their portal account, and the client profile.
async fn assert_same_clinic(server: &PgStore, cache: &SqliteStore) {
    let (server_dyn, cache_dyn): (&dyn Store, &dyn Store) = (server, cache);
    for table in [
        CountedTable::Staff,
        CountedTable::Clients,
        CountedTable::Pets,
    ] {
        let expected = server.count(table).await.unwrap();
        assert_eq!(cache.count(table).await.unwrap(), expected, "{table:?}");
    }
    for query in ["", "dpatel", "Reyes", "@harborview"] {
        let list = staff_list(cache_dyn, query).await;
        assert_eq!(list, staff_list(server_dyn, query).await, "{query:?}");
    }
    for staff in server.list_staff("", 1_000).await.unwrap() {
        let copy = cache.get_staff(staff.id).await.unwrap().unwrap();
        assert_eq!(shown(&copy), shown(&staff));
    }

    let at_server = ClinicBuilder::new(Arc::new(server.clone())).build();
    let at_cache = ClinicBuilder::new(Arc::new(cache.clone())).build();
    let admin = cache.find_staff_by_login("admin").await.unwrap().unwrap();
    let first = server.get_client(1).await.unwrap().unwrap();
    let typed = [
        "ba".to_string(),
        "o'c".into(),
        "nala".into(),
        first
            .email
            .clone()
            .unwrap_or_default()
            .chars()
            .take(6)
            .collect(),
        first.phone.clone().unwrap(),
        "555-01".into(),
    ];
    let whole = [
        ("", ClientFilter::All),
        ("", ClientFilter::NotRegisteredWithEmail),
    ];
    let each = typed.iter().map(|q| (q.as_str(), ClientFilter::All));
    for (query, filter) in whole.into_iter().chain(each) {
        let mut after: Option<ClientCursor> = None;
        loop {
            let expected = at_server
                .recovery
                .search_clients(&admin, query, filter, after.clone())
                .await
                .unwrap();
            let copy = at_cache
                .recovery
                .search_clients(&admin, query, filter, after.clone())
                .await
                .unwrap();
            assert_eq!(copy, expected, "{query:?}");
            // Typed queries are checked on their first page; the whole list on every page.
            if !query.is_empty() || expected.next.is_none() {
                break;
            }
            after = expected.next;
        }
    }

    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM clients ORDER BY id")
        .fetch_all(server.pool())
        .await
        .unwrap();
    for id in ids {
        let expected = server.get_client(id).await.unwrap();
        assert_eq!(cache.get_client(id).await.unwrap(), expected);
        let account = server.portal_account_of(id).await.unwrap();
        let copy = cache.portal_account_of(id).await.unwrap();
        let state = |a: Option<vetdesk_core::client::PortalAccount>| {
            a.map(|a| (a.id, a.client_id, a.username, a.status, a.created_at))
        };
        assert_eq!(state(copy.clone()), state(account), "client {id}");
        assert!(copy.and_then(|a| a.password_hash).is_none());
        if id % 97 == 1 || id <= 10 {
            let server_profile = at_server.recovery.client_profile(&admin, id).await.unwrap();
            let profile = at_cache.recovery.client_profile(&admin, id).await.unwrap();
            assert_eq!(
                format!(
                    "{:?}",
                    (&profile.first_name, &profile.last_name, &profile.email)
                ),
                format!(
                    "{:?}",
                    (
                        &server_profile.first_name,
                        &server_profile.last_name,
                        &server_profile.email
                    )
                )
            );
            assert_eq!(
                (&profile.phone, &profile.address),
                (&server_profile.phone, &server_profile.address)
            );
            assert_eq!(profile.pets, server_profile.pets);
            assert_eq!(profile.portal.status, server_profile.portal.status);
        }
    }
}

#[tokio::test]
async fn refreshed_at_is_none_before_the_first_refresh() {
    let (cache, _dir) = sqlite_file().await;
    assert_eq!(refreshed_at(&cache).await.unwrap(), None);
    // Reading it writes nothing to the file.
    let made: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = 'offline_mirror'")
            .fetch_one(cache.pool())
            .await
            .unwrap();
    assert_eq!(made, 0);
}

#[tokio::test]
async fn a_refresh_copies_what_the_staff_list_and_the_clients_screens_read() {
    let (server, _guard) = postgres_store().await;
    let with_account = seed_server(&server, 2_400).await;
    let (cache, _dir) = sqlite_file().await;

    let report = refresh(&server, &cache, T0 + 100).await.unwrap();
    assert_eq!(report.refreshed_at, T0 + 100);
    let staff = server.count(CountedTable::Staff).await.unwrap();
    let pets = server.count(CountedTable::Pets).await.unwrap();
    assert_eq!(
        (
            report.staff,
            report.clients,
            report.pets,
            report.portal_accounts
        ),
        (staff as u64, 2_400, pets as u64, with_account.len() as u64)
    );
    assert_eq!(refreshed_at(&cache).await.unwrap(), Some(T0 + 100));
    assert_eq!(
        cache.load_settings().await.unwrap(),
        server.load_settings().await.unwrap()
    );
    assert_same_clinic(&server, &cache).await;
}

/// Every secret the server holds, as stored there.
async fn server_secrets(server: &PgStore) -> Vec<String> {
    let mut secrets = Vec::new();
    for sql in [
        "SELECT password_hash FROM staff",
        "SELECT password_hash FROM portal_accounts WHERE password_hash IS NOT NULL",
        "SELECT link_digest FROM reset_tokens WHERE link_digest IS NOT NULL",
        "SELECT code_digest FROM reset_tokens WHERE code_digest IS NOT NULL",
        "SELECT link_digest FROM portal_tokens",
        "SELECT secret_digest FROM portal_sessions",
        "SELECT fingerprint FROM clinic_keys",
    ] {
        let found: Vec<String> = sqlx::query_scalar(sql)
            .fetch_all(server.pool())
            .await
            .unwrap();
        assert!(!found.is_empty(), "the server holds none of {sql}");
        secrets.extend(found);
    }
    secrets
}

async fn count(cache: &SqliteStore, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(cache.pool())
        .await
        .unwrap()
}

/// The cache's database file and its write-ahead log, as bytes.
fn file_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

#[tokio::test]
async fn no_password_hash_or_secret_reaches_the_cache() {
    let (server, _guard) = postgres_store().await;
    seed_server(&server, 200).await;
    let (cache, dir) = sqlite_file().await;
    refresh(&server, &cache, T0 + 100).await.unwrap();

    let raw = |sql| count(&cache, sql);
    assert_eq!(
        raw("SELECT count(*) FROM staff WHERE password_hash <> ''").await,
        0
    );
    assert!(raw("SELECT count(*) FROM staff").await > 0);
    let hashes = "SELECT count(*) FROM portal_accounts WHERE password_hash IS NOT NULL";
    assert_eq!(raw(hashes).await, 0);
    assert_eq!(
        raw("SELECT count(*) FROM portal_accounts WHERE status = 'active'").await,
        1
    );
    for table in [
        "sessions",
        "reset_tokens",
        "portal_tokens",
        "portal_sessions",
        "emails",
        "audit_events",
        "limits",
        "bulk_jobs",
        "bulk_job_items",
        "clinic_keys",
    ] {
        let n = count(&cache, &format!("SELECT count(*) FROM {table}")).await;
        assert_eq!(n, 0, "{table} was copied");
    }
    let bytes = file_bytes(&sqlite_path(&dir));
    let holds = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!holds("$argon2"), "a password hash is in the file");
    for secret in server_secrets(&server).await {
        assert!(!holds(&secret), "{secret} is in the file");
    }

    // No password signs in against the copy, staff or portal.
    let at_cache = ClinicBuilder::new(Arc::new(cache.clone())).build();
    let staff = at_cache
        .recovery
        .login("admin", demo::DEMO_PASSWORD, "desk-1")
        .await;
    assert!(staff.is_err());
    let active: String =
        sqlx::query_scalar("SELECT username FROM portal_accounts WHERE status = 'active'")
            .fetch_one(cache.pool())
            .await
            .unwrap();
    let portal = at_cache
        .recovery
        .portal_sign_in(&active, demo::DEMO_PASSWORD, "127.0.0.1", "web")
        .await;
    assert!(portal.is_err());
    let at_server = ClinicBuilder::new(Arc::new(server.clone())).build();
    let signed_in = at_server
        .recovery
        .portal_sign_in(&active, demo::DEMO_PASSWORD, "127.0.0.1", "web")
        .await;
    assert!(signed_in.is_ok(), "the same password works on the server");
}

#[tokio::test]
async fn a_second_refresh_shows_the_servers_changes_and_drops_deleted_rows() {
    let (server, _guard) = postgres_store().await;
    let with_account = seed_server(&server, 300).await;
    let temp = NewStaff {
        username: "temp".into(),
        display_name: "Temporary Help".into(),
        role: Role::Receptionist,
        email: None,
        status: StaffStatus::Active,
        password_hash: demo_hash(),
    };
    let temp = server.insert_staff(&[temp], T0).await.unwrap()[0];
    let (cache, _dir) = sqlite_file().await;
    refresh(&server, &cache, T0 + 100).await.unwrap();
    assert!(cache.get_staff(temp).await.unwrap().is_some());

    // On the server: a staff member disabled and another removed; a client's email changed
    // (their portal account's username follows), a client added, a client removed.
    sqlx::query("UPDATE staff SET status = 'disabled' WHERE username = 'rnakamura'")
        .execute(server.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM staff WHERE id = $1")
        .bind(temp)
        .execute(server.pool())
        .await
        .unwrap();
    let moved = with_account[1];
    let audit = AuditEvent::new(
        T0,
        AuditAction::ClientEmailChanged,
        AuditOutcome::Ok,
        "desk-1",
    );
    server
        .update_client_email(moved, Some("New.Address@mail.example"), T0 + 200, &audit)
        .await
        .unwrap();
    let added = NewClient {
        first_name: "Quincy".into(),
        last_name: "Zephyrine".into(),
        email: Some("quincy@mail.example".into()),
        phone: Some("+1 (404) 555-0177".into()),
        address: None,
        pets: vec![NewPet {
            name: "Xanthe".into(),
            species: "Cat".into(),
            breed: None,
        }],
    };
    let added = server.insert_clients(&[added], T0 + 200).await.unwrap()[0];
    let removed: i64 = sqlx::query_scalar(
        "SELECT id FROM clients c WHERE NOT EXISTS \
         (SELECT 1 FROM portal_accounts a WHERE a.client_id = c.id) AND id < $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(added)
    .fetch_one(server.pool())
    .await
    .unwrap();
    assert!(cache.get_client(removed).await.unwrap().is_some());
    for sql in [
        "DELETE FROM pets WHERE client_id = $1",
        "DELETE FROM clients WHERE id = $1",
    ] {
        sqlx::query(sql)
            .bind(removed)
            .execute(server.pool())
            .await
            .unwrap();
    }

    let report = refresh(&server, &cache, T0 + 300).await.unwrap();
    assert_eq!(report.clients, 300);
    assert_eq!(refreshed_at(&cache).await.unwrap(), Some(T0 + 300));
    let disabled = cache
        .find_staff_by_login("rnakamura")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(disabled.status, StaffStatus::Disabled);
    assert!(cache.get_staff(temp).await.unwrap().is_none());
    let client = cache.get_client(moved).await.unwrap().unwrap();
    assert_eq!(client.email.as_deref(), Some("New.Address@mail.example"));
    let account = cache.portal_account_of(moved).await.unwrap().unwrap();
    assert_eq!(account.username, "new.address@mail.example");
    assert!(cache.get_client(removed).await.unwrap().is_none());
    let orphans: i64 = sqlx::query_scalar("SELECT count(*) FROM pets WHERE client_id = ?1")
        .bind(removed)
        .fetch_one(cache.pool())
        .await
        .unwrap();
    assert_eq!(orphans, 0);
    let found = cache
        .search_clients(&ClientQuery::typed(
            "xanthe",
            "",
            ClientFilter::All,
            None,
            10,
        ))
        .await
        .unwrap();
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![added]);
    assert_same_clinic(&server, &cache).await;
}

/// Tries to take the file's write lock without waiting: false while another connection (the
/// refresh) holds it.
async fn file_is_free(probe: &mut SqliteConnection) -> bool {
    match sqlx::query("BEGIN IMMEDIATE").execute(&mut *probe).await {
        Ok(_) => {
            sqlx::query("ROLLBACK").execute(&mut *probe).await.unwrap();
            true
        }
        Err(_) => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_the_network_cuts_off_leaves_the_old_copy_as_it_was() {
    let guard = postgres_database("").await;
    let direct = guard.options();
    let proxy = TcpProxy::start(std::net::SocketAddr::from((
        [127, 0, 0, 1],
        direct.get_port(),
    )));
    let server = PgStore::open(direct.clone().host("127.0.0.1").port(proxy.port))
        .await
        .unwrap();
    // Large enough that a refresh reads for a while after it has begun writing.
    seed_server(&server, 30_000).await;
    let (cache, dir) = sqlite_file().await;
    refresh(&server, &cache, T0 + 100).await.unwrap();
    let old_staff = staff_list(&cache, "").await;
    let old_clients = cache.count(CountedTable::Clients).await.unwrap();
    sqlx::query("UPDATE staff SET display_name = 'Renamed Later' WHERE username = 'dpatel'")
        .execute(server.pool())
        .await
        .unwrap();
    server
        .insert_clients(&demo::clients(10, 99), T0 + 200)
        .await
        .unwrap();

    let options = SqliteConnectOptions::new()
        .filename(sqlite_path(&dir))
        .busy_timeout(Duration::ZERO);
    let mut probe = SqliteConnection::connect_with(&options).await.unwrap();
    let running = tokio::spawn({
        let (server, cache) = (server.clone(), cache.clone());
        async move { refresh(&server, &cache, T0 + 300).await }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while file_is_free(&mut probe).await {
        assert!(
            !running.is_finished(),
            "the refresh ended before it was seen writing"
        );
        assert!(Instant::now() < deadline, "the refresh never began writing");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // While the refresh writes, a reader sees the old copy.
    assert_eq!(
        cache.count(CountedTable::Clients).await.unwrap(),
        old_clients
    );
    proxy.cut();
    let failed = running.await.unwrap();
    assert!(
        matches!(failed, Err(StoreError::Unavailable(_))),
        "{failed:?}"
    );

    assert_eq!(refreshed_at(&cache).await.unwrap(), Some(T0 + 100));
    assert_eq!(staff_list(&cache, "").await, old_staff);
    assert_eq!(
        cache.count(CountedTable::Clients).await.unwrap(),
        old_clients
    );
    assert!(
        file_is_free(&mut probe).await,
        "the failed refresh let the file go"
    );
    // While the server stays out of reach, a refresh fails within seconds.
    let started = Instant::now();
    let failed = refresh(&server, &cache, T0 + 400).await;
    assert!(
        matches!(failed, Err(StoreError::Unavailable(_))),
        "{failed:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(refreshed_at(&cache).await.unwrap(), Some(T0 + 100));

    // Back on the network, the next refresh brings the changes.
    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(10);
    let report = loop {
        match refresh(&server, &cache, T0 + 500).await {
            Ok(report) => break report,
            Err(e) => {
                assert!(Instant::now() < deadline, "still failing: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };
    assert_eq!(report.clients, old_clients as u64 + 10);
    let renamed = cache.find_staff_by_login("dpatel").await.unwrap().unwrap();
    assert_eq!(renamed.display_name, "Renamed Later");
    // A closed connection to the server is out of reach too.
    server.close().await;
    let closed = refresh(&server, &cache, T0 + 600).await;
    assert!(
        matches!(closed, Err(StoreError::Unavailable(_))),
        "{closed:?}"
    );
    assert_eq!(refreshed_at(&cache).await.unwrap(), Some(T0 + 500));
}
