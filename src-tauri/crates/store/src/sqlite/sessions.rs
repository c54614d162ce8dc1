//! `sessions`: who is signed in at which workstation, when they last entered their password,
//! when they were last active, and whether the screen is locked.

/// `?1` the account, `?2` now: begun, authenticated and active now.
const CREATE: &str = "INSERT INTO sessions (staff_id, created_at, authenticated_at, active_at) \
     VALUES (?1, ?2, ?2, ?2) RETURNING id";

const FIND: &str = "SELECT s.id, s.username, s.display_name, s.role, s.email, s.status, \
     s.password_hash, x.id AS session_id, x.created_at AS session_created_at, \
     x.authenticated_at, x.active_at, x.locked_at \
     FROM staff s JOIN sessions x ON x.staff_id = s.id \
     WHERE x.id = ? AND x.ended_at IS NULL";

const TOUCH: &str = "UPDATE sessions SET active_at = ? \
     WHERE id = ? AND ended_at IS NULL AND locked_at IS NULL";

const LOCK: &str = "UPDATE sessions SET locked_at = coalesce(locked_at, ?) \
     WHERE id = ? AND ended_at IS NULL";

const AUTHENTICATE: &str = "UPDATE sessions \
     SET authenticated_at = ?1, active_at = ?1, locked_at = NULL \
     WHERE id = ?2 AND ended_at IS NULL";

const END: &str = "UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL";

const END_ALL: &str = "UPDATE sessions SET ended_at = ? WHERE staff_id = ? AND ended_at IS NULL";

/// `?1` now, `?2` the account, `?3` the session that stays.
const END_OTHERS: &str = "UPDATE sessions SET ended_at = ?1 \
     WHERE staff_id = ?2 AND id <> ?3 AND ended_at IS NULL";

include!("../shared/sessions.rs");
