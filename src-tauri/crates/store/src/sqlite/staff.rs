//! `staff`: the clinic's staff accounts.

const INSERT: &str = "INSERT INTO staff \
     (username, display_name, role, email, status, password_hash, created_at) \
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

/// The same, only into an empty table: the statement itself checks, so no other writer can
/// slip an account in between a check and the insert.
const INSERT_FIRST: &str = "INSERT INTO staff \
     (username, display_name, role, email, status, password_hash, created_at) \
     SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM staff) RETURNING id";

/// A username wins over another account's equal email.
const BY_LOGIN: &str = "SELECT id, username, display_name, role, email, status, password_hash \
     FROM staff WHERE username = ?1 OR lower(email) = ?1 \
     ORDER BY (username = ?1) DESC, id LIMIT 1";

const BY_ID: &str = "SELECT id, username, display_name, role, email, status, password_hash \
     FROM staff WHERE id = ?";

const SEARCH: &str = "SELECT id, username, display_name, role, email, status, password_hash \
     FROM staff WHERE ?1 = '' OR lower(display_name) LIKE ?2 ESCAPE '\\' \
     OR username LIKE ?2 ESCAPE '\\' OR lower(coalesce(email, '')) LIKE ?2 ESCAPE '\\' \
     ORDER BY display_name COLLATE NOCASE, id LIMIT ?3";

const SET_EMAIL: &str = "UPDATE staff SET email = ? WHERE id = ?";

const SET_PASSWORD: &str =
    "UPDATE staff SET password_hash = ?, password_changed_at = ? WHERE id = ?";

include!("../shared/staff.rs");
