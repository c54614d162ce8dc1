//! Fresh databases on the test PostgreSQL server that `tests/run.sh` starts. The server is named
//! by `VETDESK_TEST_PG_URL` (a role that may create databases, connected to a maintenance
//! database); every database made here is named after `VETDESK_TEST_PG_PREFIX`, which is new for
//! each run, and run.sh drops them all when the run ends. A test that needs the server fails
//! when it is not named: it never passes without having run.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Connection, PgConnection};

/// Names the server the tests may create databases on.
pub const URL_ENV: &str = "VETDESK_TEST_PG_URL";
/// Starts the name of every database this run makes.
pub const PREFIX_ENV: &str = "VETDESK_TEST_PG_PREFIX";

/// An empty database of its own on the test server.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    pub name: String,
    /// `postgres://` URL of the database, with the test role's credentials.
    pub url: String,
}

/// The test server's maintenance URL; panics with what to do when it is not set.
pub fn server_url() -> String {
    std::env::var(URL_ENV).unwrap_or_else(|_| {
        panic!(
            "{URL_ENV} is not set: these tests need the PostgreSQL server that tests/run.sh \
             starts (run `bash tests/setup.sh test` once, then `bash tests/run.sh`), or set it \
             to a role that may create databases"
        )
    })
}

/// The password a `postgres://` URL carries, as typed (its percent escapes decoded).
pub fn password_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let encoded = parsed.password()?;
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(decoded).ok()
}

/// Creates an empty database; `label` says what it is for, in its name.
pub async fn fresh_database(label: &str) -> TestDatabase {
    fresh_database_with(label, "").await
}

/// Creates an empty database with `options` added to its `CREATE DATABASE` as written, such as
/// a locale.
pub async fn fresh_database_with(label: &str, options: &str) -> TestDatabase {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let server = server_url();
    let prefix = std::env::var(PREFIX_ENV).unwrap_or_else(|_| "vdt_local".into());
    assert!(
        prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "{PREFIX_ENV} must be lower-case letters, digits and underscores: {prefix:?}"
    );
    let label: String = label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    let name = format!(
        "{prefix}_{}_{}_{label}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| panic!("cannot reach the test PostgreSQL server at {URL_ENV}: {e}"));
    sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\" {options}"))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
    let _ = admin.close().await;
    let mut url = url::Url::parse(&server).expect("a postgres:// URL");
    url.set_path(&name);
    TestDatabase {
        name,
        url: url.to_string(),
    }
}
