//! `staff`: the clinic's staff accounts.

const INSERT: &str = "INSERT INTO staff \
     (username, display_name, role, email, status, password_hash, created_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

/// The same, only into an empty table: the statement itself checks, so no other writer can
/// slip an account in between a check and the insert.
const INSERT_FIRST: &str = "INSERT INTO staff \
     (username, display_name, role, email, status, password_hash, created_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (SELECT 1 FROM staff) RETURNING id";

/// A username wins over another account's equal email.
const BY_LOGIN: &str = "SELECT id, username, display_name, role, email, status, password_hash \
     FROM staff WHERE username = $1 OR lower(email) = $1 \
     ORDER BY (username = $1) DESC, id LIMIT 1";

const BY_ID: &str = "SELECT id, username, display_name, role, email, status, password_hash \
     FROM staff WHERE id = $1";

const SEARCH: &str = "SELECT id, username, display_name, role, email, status, password_hash \
     FROM staff WHERE $1 = '' OR lower(display_name) ILIKE $2 \
     OR username ILIKE $2 OR lower(coalesce(email, '')) ILIKE $2 \
     ORDER BY lower(display_name), id LIMIT $3";

const SET_EMAIL: &str = "UPDATE staff SET email = $1 WHERE id = $2";

const SET_PASSWORD: &str =
    "UPDATE staff SET password_hash = $1, password_changed_at = $2 WHERE id = $3";

include!("../shared/staff.rs");
