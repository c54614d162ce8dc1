//! `emails`: the outbox. The screens queue and list emails ([`EmailStore`]); the dispatcher
//! claims the due ones and records how each attempt ended ([`OutboxStore`]).

/// The email columns and whether the email's token is still live at `$now` (an SQL expression),
/// followed by `$rest`, as one string literal. The screens ask only whether a link was used or
/// replaced (`live at "0"`); the dispatcher, about to send it, also asks whether it has expired.
/// An email's token is a staff reset token or a portal link, never both; `token_id` is
/// whichever it has, and the email's kind says which.
macro_rules! select_emails {
    (live at $now:literal, $rest:literal) => {
        concat!(
            "SELECT e.id, e.kind, e.staff_id, coalesce(e.token_id, e.portal_token_id) AS token_id, \
             CASE WHEN t.id IS NOT NULL THEN (t.used_at IS NULL AND t.revoked_at IS NULL \
             AND t.expires_at > ",
            $now,
            ") WHEN p.id IS NOT NULL THEN (p.used_at IS NULL AND p.revoked_at IS NULL \
             AND p.expires_at > ",
            $now,
            ") END AS token_live, e.recipient, e.recipient_name, e.subject, e.params, e.sealed, \
             e.status, e.attempts, e.created_at, e.sent_at, e.delivered_via, e.last_error \
             FROM emails e LEFT JOIN reset_tokens t ON t.id = e.token_id \
             LEFT JOIN portal_tokens p ON p.id = e.portal_token_id ",
            $rest
        )
    };
}

const INSERT: &str = "INSERT INTO emails (kind, staff_id, token_id, recipient, recipient_name, \
     subject, params, sealed, status, attempts, next_attempt_at, created_at, client_id, \
     portal_token_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?9, ?9, ?10, ?11) RETURNING id";

/// `?1` the recipient (lower case), `?2` the kinds as a JSON array.
const LATEST_TO: &str = select_emails!(live at "0",
    "WHERE lower(e.recipient) = ?1 AND e.kind IN (SELECT value FROM json_each(?2)) \
     ORDER BY e.created_at DESC, e.id DESC LIMIT 1");

/// `?1` the staff id, `?2` the kinds as a JSON array.
const LATEST_FOR_STAFF: &str = select_emails!(live at "0",
    "WHERE e.staff_id = ?1 AND e.kind IN (SELECT value FROM json_each(?2)) \
     ORDER BY e.created_at DESC, e.id DESC LIMIT 1");

/// `?1` the client, `?2` the kinds as a JSON array.
const LATEST_FOR_CLIENT: &str = select_emails!(live at "0",
    "WHERE e.client_id = ?1 AND e.kind IN (SELECT value FROM json_each(?2)) \
     ORDER BY e.created_at DESC, e.id DESC LIMIT 1");

const SEARCH: &str = select_emails!(live at "0",
    "WHERE ?1 = '' OR lower(e.recipient) LIKE ?2 ESCAPE '\\' \
     OR lower(e.recipient_name) LIKE ?2 ESCAPE '\\' OR e.status LIKE ?2 ESCAPE '\\' \
     OR e.kind LIKE ?2 ESCAPE '\\' OR lower(e.subject) LIKE ?2 ESCAPE '\\' \
     ORDER BY e.id DESC LIMIT ?3");

/// `?1` now, `?2` the end of the lease, `?3` the limit, `?4` the workstation, `?5` its run;
/// answers the claimed ids.
const CLAIM: &str = "UPDATE emails SET status = 'sending', claimed_until = ?2, claimed_by = ?4, \
     claim_run = ?5 WHERE id IN \
     (SELECT id FROM emails WHERE (status IN ('queued', 'failed') \
      AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?1) \
      OR (status = 'sending' AND claimed_until < ?1) \
      ORDER BY next_attempt_at, id LIMIT ?3) RETURNING id";

/// `?1` now, `?2` the claimed ids as a JSON array; in the order they fell due.
const CLAIMED: &str = select_emails!(live at "?1",
    "WHERE e.id IN (SELECT value FROM json_each(?2)) ORDER BY e.next_attempt_at, e.id");

const MARK_SENT: &str = "UPDATE emails SET status = 'sent', sent_at = ?, message_id = ?, \
     delivered_via = ?, sealed = NULL, attempts = attempts + 1, last_error = NULL, \
     next_attempt_at = NULL, claimed_until = NULL, claimed_by = NULL, claim_run = NULL WHERE id = ?";

/// A failure without a retry time is final, so its secrets go.
const MARK_FAILED: &str = "UPDATE emails SET status = 'failed', last_error = ?1, \
     attempts = attempts + 1, next_attempt_at = ?2, claimed_until = NULL, claimed_by = NULL, \
     claim_run = NULL, \
     sealed = CASE WHEN ?2 IS NULL THEN NULL ELSE sealed END WHERE id = ?3";

const MARK_EXPIRED: &str = "UPDATE emails SET status = 'expired', sealed = NULL, \
     next_attempt_at = NULL, claimed_until = NULL, claimed_by = NULL, claim_run = NULL \
     WHERE id = ?";

/// `?1` the workstation, `?2` its current run: one statement, so that no claim of the dead run
/// is missed. A claimed row kept its due time; `coalesce` only guards against one that did not.
const RELEASE_DEAD: &str = "UPDATE emails SET \
     status = CASE WHEN attempts = 0 THEN 'queued' ELSE 'failed' END, \
     next_attempt_at = coalesce(next_attempt_at, 0), claimed_until = NULL, claimed_by = NULL, \
     claim_run = NULL WHERE status = 'sending' AND claimed_by = ?1 AND claim_run IS NOT ?2";

/// A claimed email is due again when its lease runs out.
const NEXT_DUE: &str = "SELECT min(CASE WHEN status = 'sending' THEN claimed_until \
     ELSE next_attempt_at END) FROM emails \
     WHERE (status IN ('queued', 'failed') AND next_attempt_at IS NOT NULL) OR status = 'sending'";

/// `?1` now, `?2` email ids as a JSON array: those whose token, a staff one or a portal one, is
/// used, revoked or expired.
const DEAD_TOKENS: &str = "SELECT e.id FROM emails e \
     LEFT JOIN reset_tokens t ON t.id = e.token_id \
     LEFT JOIN portal_tokens p ON p.id = e.portal_token_id \
     WHERE e.id IN (SELECT value FROM json_each(?2)) \
     AND ((t.id IS NOT NULL \
       AND (t.used_at IS NOT NULL OR t.revoked_at IS NOT NULL OR t.expires_at <= ?1)) \
      OR (p.id IS NOT NULL \
       AND (p.used_at IS NOT NULL OR p.revoked_at IS NOT NULL OR p.expires_at <= ?1))) \
     ORDER BY e.id";

/// `?1` a dispatcher's key fingerprint: kept when it is the first.
const RECORD_KEY: &str =
    "INSERT OR IGNORE INTO clinic_keys (name, fingerprint) VALUES ('outbox', ?1)";

const RECORDED_KEY: &str = "SELECT fingerprint FROM clinic_keys WHERE name = 'outbox'";

include!("../shared/emails.rs");
