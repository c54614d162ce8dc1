-- A shared desk's session: when its person last entered their password (sign-in, unlock or a
-- confirmation before a sensitive change), when the window last reported them active, and
-- when the screen locked. Sessions open before this migration count from their sign-in.
ALTER TABLE sessions ADD COLUMN authenticated_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN active_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN locked_at INTEGER;
UPDATE sessions SET authenticated_at = created_at, active_at = created_at;

-- Settings saved before sessions had rules get the defaults (lock after 10 idle minutes, sign
-- out after 12 hours).
UPDATE settings
SET body = json_set(body, '$.sessions', json('{"idleLockMinutes":10,"maxHours":12}'))
WHERE json_type(body, '$.sessions') IS NULL;
