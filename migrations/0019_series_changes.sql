-- A proposed change of a series' weekly slot (weekday, time, length, cadence) from a date on.
-- The other person accepts or declines it; until then the series keeps its slot. On accept the
-- series takes the new slot from effective_from (its history, agenda and agreement stay with it).
CREATE TABLE series_changes (
  id                INTEGER PRIMARY KEY,
  series_id         INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  cadence           TEXT NOT NULL CHECK (cadence IN ('weekly', 'biweekly')),
  weekday           INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  local_time        TEXT NOT NULL,
  duration_minutes  INTEGER NOT NULL,
  effective_from    TEXT NOT NULL,
  proposed_by       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status            TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined', 'withdrawn')),
  created_at        TEXT NOT NULL,
  decided_at        TEXT
);
CREATE INDEX series_changes_open ON series_changes (series_id) WHERE status = 'proposed';
