//! Offline sign-in: for each person who signed in at this workstation, a verifier of the
//! password they used (argon2, made here with a salt of its own, never the server's hash),
//! kept in this computer's copy of the clinic beside the staff it mirrors. While the clinic's
//! server cannot be reached, the desk checks a sign-in or an unlock against it. A verifier goes
//! when its person's password changes on the server, the account is disabled or removed, or it
//! is older than the clinic allows: at the next refresh of the copy ([`sweep`]).

use sqlx::Row;
use vetdesk_core::ports::StoreResult;
use vetdesk_core::time::Millis;

use crate::error::map;
use crate::SqliteStore;

const TABLE: &str = "CREATE TABLE IF NOT EXISTS offline_sign_ins (\
     staff_id INTEGER PRIMARY KEY, \
     verifier TEXT NOT NULL, \
     signed_in_at INTEGER NOT NULL)";

/// A verifier and when its person signed in here.
#[derive(Clone, PartialEq, Eq)]
pub struct OfflineVerifier {
    pub staff_id: i64,
    /// An argon2 PHC string of the password.
    pub verifier: String,
    pub signed_in_at: Millis,
}

impl std::fmt::Debug for OfflineVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OfflineVerifier")
            .field("staff_id", &self.staff_id)
            .field("signed_in_at", &self.signed_in_at)
            .finish_non_exhaustive()
    }
}

/// Wrong offline sign-ins, kept in the file so that a restart does not forget them.
const FAILURES: &str = "CREATE TABLE IF NOT EXISTS offline_sign_in_failures (\
     login TEXT NOT NULL, \
     at INTEGER NOT NULL)";

async fn ensure(copy: &SqliteStore) -> StoreResult<()> {
    for table in [TABLE, FAILURES] {
        sqlx::query(table).execute(copy.pool()).await.map_err(map)?;
    }
    Ok(())
}

/// A wrong offline sign-in for `login` at `at`.
pub async fn record_failure(copy: &SqliteStore, login: &str, at: Millis) -> StoreResult<()> {
    ensure(copy).await?;
    sqlx::query("INSERT INTO offline_sign_in_failures (login, at) VALUES (?, ?)")
        .bind(login)
        .bind(at)
        .execute(copy.pool())
        .await
        .map_err(map)?;
    Ok(())
}

/// The wrong offline sign-ins for `login` since `since`: how many, and the first.
pub async fn failures_since(
    copy: &SqliteStore,
    login: &str,
    since: Millis,
) -> StoreResult<(i64, Option<Millis>)> {
    ensure(copy).await?;
    let row = sqlx::query(
        "SELECT count(*) AS n, min(at) AS first FROM offline_sign_in_failures \
         WHERE login = ? AND at >= ?",
    )
    .bind(login)
    .bind(since)
    .fetch_one(copy.pool())
    .await
    .map_err(map)?;
    Ok((
        row.try_get("n").map_err(map)?,
        row.try_get("first").map_err(map)?,
    ))
}

/// Forgets the wrong sign-ins of `login` (after a right one), and everyone's before `before`.
pub async fn clear_failures(copy: &SqliteStore, login: &str, before: Millis) -> StoreResult<()> {
    ensure(copy).await?;
    sqlx::query("DELETE FROM offline_sign_in_failures WHERE login = ? OR at < ?")
        .bind(login)
        .bind(before)
        .execute(copy.pool())
        .await
        .map_err(map)?;
    Ok(())
}

/// Keeps `verifier` for `staff_id`, who signed in at `at`, in place of an older one.
pub async fn remember(
    copy: &SqliteStore,
    staff_id: i64,
    verifier: &str,
    at: Millis,
) -> StoreResult<()> {
    ensure(copy).await?;
    sqlx::query(
        "INSERT INTO offline_sign_ins (staff_id, verifier, signed_in_at) VALUES (?, ?, ?) \
         ON CONFLICT (staff_id) DO UPDATE SET verifier = excluded.verifier, \
         signed_in_at = excluded.signed_in_at",
    )
    .bind(staff_id)
    .bind(verifier)
    .bind(at)
    .execute(copy.pool())
    .await
    .map_err(map)?;
    Ok(())
}

/// The verifier of the active staff member whose username or email is `login`, if one signed
/// in here at or after `not_before`.
pub async fn find(
    copy: &SqliteStore,
    login: &str,
    not_before: Millis,
) -> StoreResult<Option<OfflineVerifier>> {
    ensure(copy).await?;
    let row = sqlx::query(
        "SELECT o.staff_id, o.verifier, o.signed_in_at FROM offline_sign_ins o \
         JOIN staff s ON s.id = o.staff_id \
         WHERE (s.username = lower(?1) OR lower(s.email) = lower(?1)) \
         AND s.status = 'active' AND o.signed_in_at >= ?2",
    )
    .bind(login.trim())
    .bind(not_before)
    .fetch_optional(copy.pool())
    .await
    .map_err(map)?;
    row.as_ref().map(read).transpose()
}

/// The verifier of `staff_id`, as [`find`] would answer it.
pub async fn of_staff(
    copy: &SqliteStore,
    staff_id: i64,
    not_before: Millis,
) -> StoreResult<Option<OfflineVerifier>> {
    ensure(copy).await?;
    let row = sqlx::query(
        "SELECT o.staff_id, o.verifier, o.signed_in_at FROM offline_sign_ins o \
         JOIN staff s ON s.id = o.staff_id \
         WHERE o.staff_id = ? AND s.status = 'active' AND o.signed_in_at >= ?",
    )
    .bind(staff_id)
    .bind(not_before)
    .fetch_optional(copy.pool())
    .await
    .map_err(map)?;
    row.as_ref().map(read).transpose()
}

fn read(row: &sqlx::sqlite::SqliteRow) -> StoreResult<OfflineVerifier> {
    Ok(OfflineVerifier {
        staff_id: row.try_get("staff_id").map_err(map)?,
        verifier: row.try_get("verifier").map_err(map)?,
        signed_in_at: row.try_get("signed_in_at").map_err(map)?,
    })
}

/// Drops the verifiers that no longer hold: signed in before `not_before`, of an account that
/// is gone or disabled in the copy, or whose password changed after the sign-in here. Answers
/// how many went.
pub async fn sweep(copy: &SqliteStore, not_before: Millis) -> StoreResult<u64> {
    ensure(copy).await?;
    let done = sqlx::query(
        "DELETE FROM offline_sign_ins WHERE signed_in_at < ? OR NOT EXISTS \
         (SELECT 1 FROM staff s WHERE s.id = offline_sign_ins.staff_id AND s.status = 'active' \
          AND coalesce(s.password_changed_at, 0) <= offline_sign_ins.signed_in_at)",
    )
    .bind(not_before)
    .execute(copy.pool())
    .await
    .map_err(map)?;
    Ok(done.rows_affected())
}
