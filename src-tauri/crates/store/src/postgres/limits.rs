//! `limits`: rate limits shared by every workstation on the database, one fixed window per key
//! (see [`vetdesk_core::limits`]). Counting an attempt is one upsert, so two workstations
//! counting at once cannot both slip under a limit.

/// `$1` the key, `$2` now, `$3` the window's length. A window that has ended starts over at
/// now; the right-hand sides read the row as it was.
const HIT: &str = "INSERT INTO limits (key, window_start, hits) VALUES ($1, $2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
     hits = CASE WHEN limits.window_start + $3 <= $2 THEN 1 ELSE limits.hits + 1 END, \
     window_start = CASE WHEN limits.window_start + $3 <= $2 THEN $2 ELSE limits.window_start END \
     RETURNING window_start, hits";

/// `$1` the key, `$2` now, `$3` the window's length: only within the window that counted it.
const TAKE_BACK: &str = "UPDATE limits SET hits = hits - 1 \
     WHERE key = $1 AND hits > 0 AND window_start + $3 > $2";

include!("../shared/limits.rs");
