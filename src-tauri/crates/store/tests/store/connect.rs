//! Reaching the clinic's PostgreSQL server, against the real test server: each way a connection
//! fails says so in its own words, and a database that is not VetDesk's, or that a newer VetDesk
//! upgraded, is refused and left exactly as it was.

use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use vetdesk_core::database::{DatabaseTls, ServerAddress};
use vetdesk_core::limits::Limit;
use vetdesk_core::ports::LimitStore;
use vetdesk_core::testing::T0;
use vetdesk_store::postgres::connect::{self, known_version, test_connection};
use vetdesk_store::postgres::{ConnectError, SchemaState};
use vetdesk_store::PgStore;

use crate::backends::{postgres_database, postgres_store};

/// The test server's address as a workstation's Setup › Database would hold it, for the
/// database `name`, and the password its URL carries.
fn address_of(options: &PgConnectOptions, name: &str) -> (ServerAddress, Option<String>) {
    let address = ServerAddress {
        host: options.get_host().to_string(),
        port: options.get_port(),
        database: name.to_string(),
        user: options.get_username().to_string(),
        tls: DatabaseTls::Off,
    };
    let password = vetdesk_testkit::postgres::password_of(&vetdesk_testkit::postgres::server_url());
    (address, password)
}

fn server() -> PgConnectOptions {
    PgConnectOptions::from_str(&vetdesk_testkit::postgres::server_url()).unwrap()
}

async fn failure(address: &ServerAddress, password: Option<&str>) -> ConnectError {
    let options = connect::options(address, password);
    match test_connection(&options).await {
        Ok(state) => panic!("{address:?} connected: {state:?}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn each_failure_says_what_to_fix() {
    let guard = postgres_database("").await;
    let (address, password) = address_of(&server(), &guard.name);
    let password = password.as_deref();

    let ok = test_connection(&connect::options(&address, password)).await;
    assert_eq!(ok.unwrap(), SchemaState::Empty);

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut unreachable = address.clone();
    unreachable.port = port;
    let e = failure(&unreachable, password).await;
    assert_eq!(e.kind(), "unreachable", "{e}");
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");

    let mut stranger = address.clone();
    stranger.user = "nobody_vetdesk_knows".into();
    let e = failure(&stranger, password).await;
    assert_eq!(e.kind(), "authentication", "{e}");
    assert!(e.to_string().contains("nobody_vetdesk_knows"), "{e}");

    let mut missing = address.clone();
    missing.database = format!("{}_missing", guard.name);
    let e = failure(&missing, password).await;
    assert_eq!(e.kind(), "no_database", "{e}");

    // The server's own certificate is self-signed: checking it against the system's
    // authorities fails, and says it was the certificate.
    let mut verified = address.clone();
    verified.tls = DatabaseTls::VerifyFull { ca_file: None };
    let e = failure(&verified, password).await;
    assert_eq!(e.kind(), "certificate", "{e}");
    // Encrypted without checking whose certificate it is: connects.
    let mut encrypted = address;
    encrypted.tls = DatabaseTls::Required;
    let state = test_connection(&connect::options(&encrypted, password)).await;
    assert_eq!(state.unwrap(), SchemaState::Empty);
}

/// Every table of the database and its rows, to show it was left as it was.
async fn contents(options: &PgConnectOptions) -> Vec<(String, i64)> {
    let pool = sqlx::PgPool::connect_with(options.clone()).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut rows = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM \"{table}\""))
            .fetch_one(&pool)
            .await
            .unwrap();
        rows.push((table, n));
    }
    pool.close().await;
    rows
}

#[tokio::test]
async fn a_database_that_is_not_vetdesks_is_refused_and_left_alone() {
    let guard = postgres_database("").await;
    let options = guard.options();
    let pool = sqlx::PgPool::connect_with(options.clone()).await.unwrap();
    sqlx::raw_sql("CREATE TABLE invoices (id int PRIMARY KEY); INSERT INTO invoices VALUES (1)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let before = contents(&options).await;
    let e = PgStore::open(options.clone()).await.unwrap_err();
    assert_eq!(e.kind(), "not_vetdesk", "{e}");
    assert!(e.to_string().contains(&guard.name), "{e}");
    assert_eq!(contents(&options).await, before);
}

#[tokio::test]
async fn a_schema_newer_than_this_app_is_refused_and_left_alone() {
    let (store, guard) = postgres_store().await;
    let newer = known_version() + 1;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, 'from a newer VetDesk', true, '\\x00', 1)",
    )
    .bind(newer)
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;
    let before = contents(&guard.options()).await;
    let e = PgStore::open(guard.options()).await.unwrap_err();
    assert!(
        matches!(e, ConnectError::NewerSchema { found, known } if found == newer && known == newer - 1),
        "{e}"
    );
    assert!(e.to_string().contains("Update VetDesk"), "{e}");
    let state = test_connection(&guard.options()).await;
    assert_eq!(state.unwrap_err().kind(), "newer_schema");
    assert_eq!(contents(&guard.options()).await, before);
}

#[tokio::test]
async fn limits_are_shared_by_every_workstation_on_the_server() {
    let (desk1, guard) = postgres_store().await;
    let desk2 = PgStore::open(guard.options()).await.unwrap();
    let limit = Limit {
        max: 3,
        window: 60_000,
    };
    let key = "sign_in:account:7";
    assert_eq!(desk1.hit(key, limit, T0).await.unwrap(), None);
    assert_eq!(desk2.hit(key, limit, T0 + 1).await.unwrap(), None);
    assert_eq!(desk1.hit(key, limit, T0 + 2).await.unwrap(), None);
    // The fourth attempt, from either desk, waits out the window both counted in.
    let wait = desk2.hit(key, limit, T0 + 3).await.unwrap();
    assert_eq!(wait, Some(60_000 - 3));
    // And a workstation that starts later sees the same count.
    let desk3 = PgStore::open(guard.options()).await.unwrap();
    assert!(desk3.hit(key, limit, T0 + 4).await.unwrap().is_some());
}
