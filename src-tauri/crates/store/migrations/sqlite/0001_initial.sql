-- Times are unix milliseconds.

CREATE TABLE settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    body       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE staff (
    id                  INTEGER PRIMARY KEY,
    username            TEXT    NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 1 AND 254),
    display_name        TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    role                TEXT    NOT NULL CHECK (role IN ('admin', 'office_manager', 'veterinarian', 'technician', 'receptionist')),
    email               TEXT    CHECK (email IS NULL OR (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%.%')),
    status              TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    password_hash       TEXT    NOT NULL,
    password_changed_at INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE INDEX staff_email ON staff (lower(email));

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff (id),
    created_at INTEGER NOT NULL,
    ended_at   INTEGER
);
CREATE INDEX sessions_staff ON sessions (staff_id) WHERE ended_at IS NULL;

CREATE TABLE reset_tokens (
    id              INTEGER PRIMARY KEY,
    staff_id        INTEGER NOT NULL REFERENCES staff (id),
    purpose         TEXT    NOT NULL CHECK (purpose IN ('self_reset', 'admin_reset', 'one_time_code', 'portal_reset', 'portal_invite')),
    link_digest     TEXT    UNIQUE CHECK (link_digest IS NULL OR length(link_digest) = 64),
    code_digest     TEXT    CHECK (code_digest IS NULL OR length(code_digest) = 64),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL CHECK (expires_at > created_at),
    used_at         INTEGER,
    revoked_at      INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    CHECK (link_digest IS NOT NULL OR code_digest IS NOT NULL)
);
-- One live token per account and purpose.
CREATE UNIQUE INDEX reset_tokens_one_live ON reset_tokens (staff_id, purpose)
    WHERE used_at IS NULL AND revoked_at IS NULL;

CREATE TABLE emails (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('staff_reset', 'password_changed', 'test_message')),
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
    message_id      TEXT
);
CREATE INDEX emails_due ON emails (status, next_attempt_at);
CREATE INDEX emails_recipient ON emails (lower(recipient), created_at);
CREATE INDEX emails_staff ON emails (staff_id, created_at);

CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES staff (id),
    subject_id  INTEGER REFERENCES staff (id),
    action      TEXT    NOT NULL,
    outcome     TEXT    NOT NULL,
    workstation TEXT    NOT NULL,
    detail      TEXT
);
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TABLE clients (
    id         INTEGER PRIMARY KEY,
    first_name TEXT    NOT NULL,
    last_name  TEXT    NOT NULL,
    email      TEXT,
    phone      TEXT,
    address    TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX clients_name ON clients (last_name, first_name);

CREATE TABLE pets (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id),
    name      TEXT    NOT NULL,
    species   TEXT    NOT NULL,
    breed     TEXT
);
CREATE INDEX pets_client ON pets (client_id);
