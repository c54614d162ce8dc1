-- The patient portal: clients' accounts, the links that set their passwords and their sign-ins;
-- portal emails in the outbox; the client an audit event is about; and indexes that let the
-- Clients search find a name, an email, a pet or a phone number by prefix with an index range
-- scan, however large the practice.

-- One account per client at most. Its username is the client's email in lower case, so that
-- two clients sharing an address cannot both sign in with it. No password until the client
-- sets one through the invitation's link.
CREATE TABLE portal_accounts (
    id                  INTEGER PRIMARY KEY,
    client_id           INTEGER NOT NULL UNIQUE REFERENCES clients (id),
    username            TEXT    NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 1 AND 254),
    status              TEXT    NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'locked')),
    password_hash       TEXT,
    created_at          INTEGER NOT NULL,
    activated_at        INTEGER,
    password_changed_at INTEGER
);

-- Invitation and reset links; only their SHA-256 is kept.
CREATE TABLE portal_tokens (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES portal_accounts (id),
    purpose     TEXT    NOT NULL CHECK (purpose IN ('portal_invite', 'portal_reset')),
    link_digest TEXT    NOT NULL UNIQUE CHECK (length(link_digest) = 64),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL CHECK (expires_at > created_at),
    used_at     INTEGER,
    revoked_at  INTEGER
);
-- One live link per account, whatever its purpose: a new invitation or reset replaces the last.
CREATE UNIQUE INDEX portal_tokens_one_live ON portal_tokens (account_id)
    WHERE used_at IS NULL AND revoked_at IS NULL;

-- Portal sign-ins, known by the digest of the secret in their cookie.
CREATE TABLE portal_sessions (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES portal_accounts (id),
    secret_digest TEXT    NOT NULL UNIQUE CHECK (length(secret_digest) = 64),
    created_at    INTEGER NOT NULL,
    ended_at      INTEGER
);
CREATE INDEX portal_sessions_account ON portal_sessions (account_id) WHERE ended_at IS NULL;

-- Three more kinds of email, to clients: the invitation, the portal reset and the notice that
-- the portal password changed. A portal email names its client and, when it carries a link,
-- the portal token it follows the fate of, as a staff reset email does its reset token. SQLite
-- cannot change a CHECK constraint in place, so the table is rebuilt with its rows, as in
-- migration 3; no other table refers to it.
CREATE TABLE emails_rebuilt (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('staff_reset', 'password_changed', 'email_changed', 'code_issued', 'test_message', 'portal_invite', 'portal_reset', 'portal_password_changed')),
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
    delivered_via   TEXT    CHECK (delivered_via IN ('smtp', 'preview')),
    claimed_by      TEXT,
    claim_run       TEXT,
    client_id       INTEGER REFERENCES clients (id),
    portal_token_id INTEGER REFERENCES portal_tokens (id),
    -- An email follows at most one token.
    CHECK (token_id IS NULL OR portal_token_id IS NULL)
);
INSERT INTO emails_rebuilt (id, kind, staff_id, token_id, recipient, recipient_name, subject,
    params, sealed, status, attempts, next_attempt_at, claimed_until, created_at, sent_at,
    last_error, message_id, delivered_via, claimed_by, claim_run)
SELECT id, kind, staff_id, token_id, recipient, recipient_name, subject, params, sealed, status,
    attempts, next_attempt_at, claimed_until, created_at, sent_at, last_error, message_id,
    delivered_via, claimed_by, claim_run
FROM emails;
DROP TABLE emails;
ALTER TABLE emails_rebuilt RENAME TO emails;
CREATE INDEX emails_due ON emails (status, next_attempt_at);
CREATE INDEX emails_recipient ON emails (lower(recipient), created_at);
CREATE INDEX emails_staff ON emails (staff_id, created_at);
-- The client profile shows the newest portal email; revoking a client's links expires theirs.
CREATE INDEX emails_client ON emails (client_id, created_at);

-- Portal actions are about a client, not a staff member.
ALTER TABLE audit_events ADD COLUMN client_id INTEGER REFERENCES clients (id);

-- The Clients search matches by prefix with range conditions (`>= prefix AND < next string`),
-- each kind on its own index, and lists its page in the order of `clients_sort`. SQLite's
-- `lower` folds ASCII letters only; the store folds queries and cursors the same way.
-- Each index also carries the list's order (last name, first name, id), so that the first
-- page of one kind's matches is sorted from the index alone, without reading the clients; the
-- last name's own is the list's order itself (`clients_sort`, below).
CREATE INDEX clients_first ON clients (lower(first_name), lower(last_name), id);
CREATE INDEX clients_full ON clients (lower(first_name || ' ' || last_name), lower(last_name), lower(first_name), id);
CREATE INDEX clients_email ON clients (lower(email), lower(last_name), lower(first_name), id);
-- The phone's digits, whatever punctuation it was typed with, so that "(555) 010-2030" and
-- "555.010.2030" are one number; the core also looks for the digits after the clinic's country
-- code, so that "555 010" finds "+1 555 010".
ALTER TABLE clients ADD COLUMN phone_digits TEXT GENERATED ALWAYS AS (
    replace(replace(replace(replace(replace(replace(phone, ' ', ''), '+', ''), '-', ''), '(', ''), ')', ''), '.', '')
) VIRTUAL;
CREATE INDEX clients_phone ON clients (phone_digits, lower(last_name), lower(first_name), id);
-- The list is ordered without regard to case, so the index on the names as written, which no
-- query used, gives way to one on the order the list is read in.
DROP INDEX clients_name;
CREATE INDEX clients_sort ON clients (lower(last_name), lower(first_name), id);
-- A pet carries its owner's place in the list, kept by triggers, so that a search by pet name
-- sorts its matches from the index alone too.
ALTER TABLE pets ADD COLUMN owner_last TEXT NOT NULL DEFAULT '';
ALTER TABLE pets ADD COLUMN owner_first TEXT NOT NULL DEFAULT '';
UPDATE pets SET
    owner_last = (SELECT lower(c.last_name) FROM clients c WHERE c.id = pets.client_id),
    owner_first = (SELECT lower(c.first_name) FROM clients c WHERE c.id = pets.client_id);
CREATE TRIGGER pets_owner_added AFTER INSERT ON pets BEGIN
    UPDATE pets SET
        owner_last = (SELECT lower(c.last_name) FROM clients c WHERE c.id = new.client_id),
        owner_first = (SELECT lower(c.first_name) FROM clients c WHERE c.id = new.client_id)
    WHERE id = new.id;
END;
CREATE TRIGGER clients_renamed AFTER UPDATE OF first_name, last_name ON clients BEGIN
    UPDATE pets SET owner_last = lower(new.last_name), owner_first = lower(new.first_name)
    WHERE client_id = new.id;
END;
CREATE INDEX pets_name ON pets (lower(name), owner_last, owner_first, client_id);

-- Bulk portal invitations: a run and one item per selected client, in order. Each item gets its
-- outcome once, in the transaction that counts it on the run, so a run resumed after a restart
-- neither skips nor repeats anyone. Items keep the client's id without a reference: a client
-- removed later leaves the run's history as it was.
CREATE TABLE bulk_jobs (
    id          INTEGER PRIMARY KEY,
    created_by  INTEGER NOT NULL REFERENCES staff (id),
    workstation TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'cancelled', 'done')),
    total       INTEGER NOT NULL CHECK (total >= 0),
    sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0),
    skipped     INTEGER NOT NULL DEFAULT 0 CHECK (skipped >= 0),
    failed      INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    finished_at INTEGER
);
CREATE INDEX bulk_jobs_running ON bulk_jobs (workstation, id) WHERE status = 'running';

CREATE TABLE bulk_job_items (
    job_id    INTEGER NOT NULL REFERENCES bulk_jobs (id),
    position  INTEGER NOT NULL CHECK (position >= 0),
    client_id INTEGER NOT NULL,
    outcome   TEXT    CHECK (outcome IS NULL OR outcome IN ('sent', 'skipped_no_email', 'skipped_registered', 'skipped_email_in_use', 'failed')),
    PRIMARY KEY (job_id, position)
) WITHOUT ROWID;

-- The fingerprint of the key that seals this clinic's queued links, recorded by the first
-- dispatcher. Every dispatcher (each workstation, vetdesk-server) must hold the same key to
-- send; one that holds another sends nothing rather than fail emails it cannot open. The key
-- itself is never in the database.
CREATE TABLE clinic_keys (
    name        TEXT    PRIMARY KEY,
    fingerprint TEXT    NOT NULL CHECK (length(fingerprint) = 32)
) WITHOUT ROWID;
