use vetdesk_core::StoreError;

/// Maps driver errors to what a person can act on. SQLite result codes:
/// 5 busy, 6 locked, 8 read-only, 2067/1555 unique violations.
pub(crate) fn map(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.as_ref() {
                "5" | "6" | "517" | "261" => StoreError::Busy,
                "8" | "776" | "1032" | "264" => StoreError::ReadOnly,
                "2067" | "1555" => StoreError::Conflict(db.message().to_string()),
                _ => StoreError::Other(db.message().to_string()),
            }
        }
        sqlx::Error::PoolTimedOut => StoreError::Busy,
        sqlx::Error::Io(e) => StoreError::Unavailable(e.to_string()),
        sqlx::Error::PoolClosed => StoreError::Unavailable("the database was closed".into()),
        _ => StoreError::Other(err.to_string()),
    }
}

pub(crate) fn migrate(err: sqlx::migrate::MigrateError) -> StoreError {
    match err {
        sqlx::migrate::MigrateError::Execute(e) => map(e),
        other => StoreError::Other(format!("database upgrade failed: {other}")),
    }
}
