-- Restores from a backup (`npm run restore`): when, from which file, and the backup's own newest
-- activity. The next start expires the outbox rows that were due before the restore (they may have
-- gone out after the backup was taken) once per restore, and records when it did and how many.
CREATE TABLE restores (
  id                     INTEGER PRIMARY KEY,
  restored_at            TEXT NOT NULL,   -- UTC ISO
  backup_file            TEXT NOT NULL,   -- the file's name, without its directory
  backup_newest_activity TEXT,            -- the newest moment recorded in the backup (UTC ISO), if any
  applied_at             TEXT,            -- when a start expired the rows due before the restore
  expired_rows           INTEGER
);

-- When a row was given up (dead), so the daily failure digest counts only what is new.
ALTER TABLE outbox ADD COLUMN dead_at TEXT;
CREATE INDEX outbox_dead ON outbox (dead_at) WHERE dead_at IS NOT NULL;
