-- Actions taken while a workstation could not reach this server are replayed under a key of
-- their own; the database takes each key once.
ALTER TABLE audit_events ADD COLUMN action_key TEXT COLLATE "C";
CREATE UNIQUE INDEX audit_events_action_key ON audit_events (action_key) WHERE action_key IS NOT NULL;
