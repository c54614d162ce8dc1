-- Rate limits kept in the database, so that a restart does not reset them and every workstation
-- on this database shares them. One fixed window per key ("sign_in:account:12",
-- "forgot:workstation:desk-1"): when it opened and how many attempts it has counted.
CREATE TABLE limits (
    key          TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 600),
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL CHECK (hits >= 0)
) WITHOUT ROWID;

-- Two more kinds of email: the notice to the old address after an email change, and the notice
-- that a one-time code was issued. SQLite cannot change a CHECK constraint in place, so the
-- table is rebuilt with its rows; no other table refers to it.
CREATE TABLE emails_rebuilt (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('staff_reset', 'password_changed', 'email_changed', 'code_issued', 'test_message')),
    staff_id        INTEGER REFERENCES staff (id),
    token_id        INTEGER REFERENCES reset_tokens (id),
    recipient       TEXT    NOT NULL,
    recipient_name  TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    params          TEXT    NOT NULL,
    sealed          BLOB,
    status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    claimed_until   INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT,
    message_id      TEXT,
    delivered_via   TEXT    CHECK (delivered_via IN ('smtp', 'preview'))
);
INSERT INTO emails_rebuilt (id, kind, staff_id, token_id, recipient, recipient_name, subject,
    params, sealed, status, attempts, next_attempt_at, claimed_until, created_at, sent_at,
    last_error, message_id, delivered_via)
SELECT id, kind, staff_id, token_id, recipient, recipient_name, subject, params, sealed, status,
    attempts, next_attempt_at, claimed_until, created_at, sent_at, last_error, message_id,
    delivered_via
FROM emails;
DROP TABLE emails;
ALTER TABLE emails_rebuilt RENAME TO emails;
CREATE INDEX emails_due ON emails (status, next_attempt_at);
CREATE INDEX emails_recipient ON emails (lower(recipient), created_at);
CREATE INDEX emails_staff ON emails (staff_id, created_at);
