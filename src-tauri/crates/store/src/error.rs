use vetdesk_core::StoreError;

/// Maps driver errors to what a person can act on. SQLite result codes: 5 busy, 6 locked,
/// 8 read-only, 2067/1555 unique violations. PostgreSQL SQLSTATEs: 40001 serialization failure,
/// 40P01 deadlock, 55P03 lock not available, 25006 read-only transaction, 23505 unique
/// violation, class 08 connection exceptions, 57P01–57P03 server shutting down or starting.
pub(crate) fn map(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.as_ref() {
                "5" | "6" | "517" | "261" | "40001" | "40P01" | "55P03" => StoreError::Busy,
                "8" | "776" | "1032" | "264" | "25006" => StoreError::ReadOnly,
                // The one key an offline action is replayed under, taken a second time.
                "2067" | "1555" | "23505" if db.message().contains("action_key") => {
                    StoreError::AlreadyApplied
                }
                "2067" | "1555" | "23505" => StoreError::Conflict(db.message().to_string()),
                c if c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03") => {
                    StoreError::Unavailable(db.message().to_string())
                }
                _ => StoreError::Other(db.message().to_string()),
            }
        }
        sqlx::Error::PoolTimedOut => StoreError::Busy,
        sqlx::Error::Io(e) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::Tls(e) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::PoolClosed => StoreError::Unavailable("the database was closed".into()),
        _ => StoreError::Other(err.to_string()),
    }
}

/// As [`map`], for the clinic's server: a connection that cannot be had in time, or that the
/// network dropped, means the server cannot be reached, which the app shows as offline.
pub(crate) fn map_pg(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::PoolTimedOut => {
            StoreError::Unavailable("the clinic database server did not answer in time".into())
        }
        sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => {
            StoreError::Unavailable(err.to_string())
        }
        _ => map(err),
    }
}

pub(crate) fn migrate(err: sqlx::migrate::MigrateError) -> StoreError {
    match err {
        sqlx::migrate::MigrateError::Execute(e) => map(e),
        other => StoreError::Other(format!("database upgrade failed: {other}")),
    }
}
