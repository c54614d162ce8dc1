//! `portal_accounts`, `portal_tokens` and `portal_sessions`: clients' patient-portal accounts,
//! the links that set their passwords and their sign-ins. Issuing a link and using one are each
//! a single transaction with the email they queue and the audit event.

/// The account columns, read from `portal_accounts a` joined as `$rest` says.
macro_rules! select_accounts {
    ($rest:literal) => {
        concat!(
            "SELECT a.id, a.client_id, a.username, a.status, a.password_hash, a.created_at FROM ",
            $rest
        )
    };
}

/// The token columns with the client of the token's account, followed by `$rest`.
macro_rules! select_tokens {
    ($rest:literal) => {
        concat!(
            "SELECT t.id, t.account_id, a.client_id, t.purpose, t.created_at, t.expires_at, \
             t.used_at, t.revoked_at \
             FROM portal_tokens t JOIN portal_accounts a ON a.id = t.account_id ",
            $rest
        )
    };
}

const ACCOUNT_OF: &str = select_accounts!("portal_accounts a WHERE a.client_id = ?");

const ACCOUNT_NAMED: &str = select_accounts!("portal_accounts a WHERE a.username = ?");

/// `?1` the client, `?2` now.
const LIVE_TOKEN: &str = select_tokens!(
    "WHERE a.client_id = ?1 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > ?2"
);

const TOKEN_BY_LINK: &str = select_tokens!("WHERE t.link_digest = ?");

const SESSION_ACCOUNT: &str = select_accounts!(
    "portal_sessions s JOIN portal_accounts a ON a.id = s.account_id \
     WHERE s.secret_digest = ? AND s.ended_at IS NULL"
);

const ACCOUNT_ID_OF: &str = "SELECT id FROM portal_accounts WHERE client_id = ?";

const INSERT_ACCOUNT: &str = "INSERT INTO portal_accounts \
     (client_id, username, status, created_at) VALUES (?, ?, 'invited', ?) RETURNING id";

const INSERT_TOKEN: &str = "INSERT INTO portal_tokens \
     (account_id, purpose, link_digest, created_at, expires_at) \
     VALUES (?, ?, ?, ?, ?) RETURNING id";

/// `?1` now, `?2` the client: every live link of the client's account is revoked.
const REVOKE_CLIENT: &str = "UPDATE portal_tokens SET revoked_at = ?1 \
     WHERE account_id IN (SELECT id FROM portal_accounts WHERE client_id = ?2) \
     AND used_at IS NULL AND revoked_at IS NULL";

/// `?1` the client: the emails of its portal links that have not gone out will not.
const EXPIRE_UNSENT: &str = "UPDATE emails SET status = 'expired', sealed = NULL, \
     next_attempt_at = NULL, claimed_until = NULL \
     WHERE client_id = ?1 AND portal_token_id IS NOT NULL AND status IN ('queued', 'failed')";

/// The username follows the client's email.
const RENAME: &str = "UPDATE portal_accounts SET username = ? WHERE client_id = ?";

/// `?1` now, `?2` the token's id; answers the account when the token was still live.
const CONSUME: &str = "UPDATE portal_tokens SET used_at = ?1 WHERE id = ?2 AND used_at IS NULL \
     AND revoked_at IS NULL AND expires_at > ?1 RETURNING account_id";

/// `?1` the hash, `?2` now, `?3` the account; answers its client. An account keeps the time it
/// first became active.
const SET_PASSWORD: &str = "UPDATE portal_accounts SET password_hash = ?1, status = 'active', \
     activated_at = coalesce(activated_at, ?2), password_changed_at = ?2 WHERE id = ?3 \
     RETURNING client_id";

/// `?1` now, `?2` the account, `?3` the token just used.
const REVOKE_OTHERS: &str = "UPDATE portal_tokens SET revoked_at = ?1 WHERE account_id = ?2 \
     AND id <> ?3 AND used_at IS NULL AND revoked_at IS NULL";

const END_SESSIONS: &str = "UPDATE portal_sessions SET ended_at = ?1 \
     WHERE account_id = ?2 AND ended_at IS NULL";

const CREATE_SESSION: &str = "INSERT INTO portal_sessions (account_id, secret_digest, created_at) \
     VALUES (?, ?, ?) RETURNING id";

const END_SESSION: &str = "UPDATE portal_sessions SET ended_at = ? \
     WHERE secret_digest = ? AND ended_at IS NULL";

include!("../shared/portal.rs");
