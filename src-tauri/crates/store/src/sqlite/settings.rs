//! `settings`: the clinic's settings, one JSON row shared by every workstation.

const LOAD: &str = "SELECT body FROM settings WHERE id = 1";

const SAVE: &str = "INSERT INTO settings (id, body, updated_at) VALUES (1, ?, ?) \
     ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at";

include!("../shared/settings.rs");
