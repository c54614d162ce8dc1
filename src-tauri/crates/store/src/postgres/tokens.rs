//! `reset_tokens`: password reset links and codes. Issuing one and using one are each a single
//! transaction with the email they queue and the audit event.

/// One live token per account and purpose: the new one replaces the old.
const REVOKE_SAME_PURPOSE: &str = "UPDATE reset_tokens SET revoked_at = $1 \
     WHERE staff_id = $2 AND purpose = $3 AND used_at IS NULL AND revoked_at IS NULL";

const INSERT: &str = "INSERT INTO reset_tokens \
     (staff_id, purpose, link_digest, code_digest, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";

const BY_LINK: &str = "SELECT id, staff_id, purpose, code_digest, created_at, expires_at, \
     used_at, revoked_at, failed_attempts FROM reset_tokens WHERE link_digest = $1";

/// `$1` the account, `$2` now, `$3` the most attempts a code takes: one more attempt on each of
/// the account's live codes that has one left, and those codes.
const RESERVE_ATTEMPT: &str = "UPDATE reset_tokens SET failed_attempts = failed_attempts + 1 \
     WHERE staff_id = $1 AND code_digest IS NOT NULL AND used_at IS NULL AND revoked_at IS NULL \
     AND expires_at > $2 AND failed_attempts < $3 \
     RETURNING id, staff_id, purpose, code_digest, created_at, expires_at, used_at, revoked_at, \
     failed_attempts";

/// `$1` the tokens' ids.
const RELEASE_ATTEMPT: &str = "UPDATE reset_tokens SET failed_attempts = failed_attempts - 1 \
     WHERE id = ANY($1) AND failed_attempts > 0";

/// `$1` the most attempts a code takes, `$2` now, `$3` the tokens' ids. A
/// token's digests cannot both be empty, so one without a link is revoked whole.
const BURN_SPENT: &str = "UPDATE reset_tokens \
     SET code_digest = CASE WHEN link_digest IS NULL THEN code_digest END, \
     revoked_at = CASE WHEN link_digest IS NULL THEN $2 ELSE revoked_at END \
     WHERE id = ANY($3) AND failed_attempts >= $1 \
     AND used_at IS NULL AND revoked_at IS NULL";

/// `$1` now, `$2` the account.
const REVOKE_ACCOUNT: &str = "UPDATE reset_tokens SET revoked_at = $1 \
     WHERE staff_id = $2 AND used_at IS NULL AND revoked_at IS NULL";

/// `$1` the account: its tokens' emails still waiting to go out will not.
const EXPIRE_UNSENT: &str = "UPDATE emails SET status = 'expired', sealed = NULL, \
     next_attempt_at = NULL, claimed_until = NULL WHERE status IN ('queued', 'failed') \
     AND token_id IN (SELECT id FROM reset_tokens WHERE staff_id = $1)";

/// `$1` now, `$2` the token's id; answers the account when the token was still live.
const CONSUME: &str = "UPDATE reset_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL \
     AND revoked_at IS NULL AND expires_at > $1 RETURNING staff_id";

const REVOKE_OTHERS: &str = "UPDATE reset_tokens SET revoked_at = $1 WHERE staff_id = $2 \
     AND id <> $3 AND used_at IS NULL AND revoked_at IS NULL";

include!("../shared/tokens.rs");
