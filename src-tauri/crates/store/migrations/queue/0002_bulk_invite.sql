-- Invite to portal, taken while the clinic's server could not be reached, is queued too: its
-- clients go in `payload` (the selection as JSON), and it names no one subject. SQLite cannot
-- change a CHECK in place, so the table is built again with the rows it holds.
CREATE TABLE queued_actions_new (
    id           INTEGER PRIMARY KEY,
    action_key   TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('staff_reset', 'portal_link', 'bulk_invite')),
    actor_id     INTEGER NOT NULL,
    subject_id   INTEGER NOT NULL,
    actor_name   TEXT    NOT NULL,
    subject_name TEXT    NOT NULL,
    queued_at    INTEGER NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'refused')),
    outcome      TEXT,
    settled_at   INTEGER,
    payload      TEXT,
    CHECK ((state = 'queued') = (settled_at IS NULL)),
    CHECK ((kind = 'bulk_invite') = (payload IS NOT NULL)),
    CHECK (kind <> 'bulk_invite' OR subject_id = 0)
);

INSERT INTO queued_actions_new (id, action_key, kind, actor_id, subject_id, actor_name,
    subject_name, queued_at, state, outcome, settled_at)
SELECT id, action_key, kind, actor_id, subject_id, actor_name, subject_name, queued_at, state,
    outcome, settled_at
FROM queued_actions;

DROP TABLE queued_actions;
ALTER TABLE queued_actions_new RENAME TO queued_actions;

CREATE INDEX queued_actions_waiting ON queued_actions (id) WHERE state = 'queued';
