-- What a front desk took while the clinic's server could not be reached, in the order taken.
CREATE TABLE queued_actions (
    id           INTEGER PRIMARY KEY,
    action_key   TEXT    NOT NULL UNIQUE,
    kind         TEXT    NOT NULL CHECK (kind IN ('staff_reset', 'portal_link')),
    actor_id     INTEGER NOT NULL,
    subject_id   INTEGER NOT NULL,
    actor_name   TEXT    NOT NULL,
    subject_name TEXT    NOT NULL,
    queued_at    INTEGER NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'refused')),
    outcome      TEXT,
    settled_at   INTEGER,
    CHECK ((state = 'queued') = (settled_at IS NULL))
);

CREATE INDEX queued_actions_waiting ON queued_actions (id) WHERE state = 'queued';
