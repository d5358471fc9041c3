-- Erasures (/coaching forget-me) under way and done: ids only, never what was erased. The user id
-- has no foreign key: the row outlives the person's own (it is what says they were erased).
-- schools: ids of the schools the person belonged to, where their name is taken out of others' text.
-- phase/cursor say how far the slices have come; redacted_for counts, per author id, the texts
-- that lost the person's name until those authors are told.
CREATE TABLE erasures (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL,
  user_id       INTEGER NOT NULL,
  scope         TEXT NOT NULL CHECK (scope IN ('everything', 'teacher_data')),
  requested_at  TEXT NOT NULL,
  phase         INTEGER NOT NULL DEFAULT 0,
  cursor        INTEGER NOT NULL DEFAULT 0,
  schools       TEXT NOT NULL DEFAULT '[]',
  redacted_for  TEXT NOT NULL DEFAULT '{}',
  in_ledger     INTEGER NOT NULL DEFAULT 0,
  completed_at  TEXT,
  UNIQUE (tenant_id, user_id, scope, requested_at)
);
CREATE INDEX erasures_under_way ON erasures (completed_at) WHERE completed_at IS NULL;
