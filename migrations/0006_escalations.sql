-- Needs escalation: a coach's concern travels a pathway (share with the teacher, reflect, then
-- the principal at the next touch-point; student safety at once). Only the raising coach and
-- the school's principal and assistant principals ever read one; every view is audited.

CREATE TABLE escalations (
  id                INTEGER PRIMARY KEY,
  school_id         INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  partnership_id    INTEGER REFERENCES partnerships(id) ON DELETE SET NULL,   -- where it goes on the agenda
  coach_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,          -- who raised it
  concern           TEXT NOT NULL,
  category          TEXT NOT NULL CHECK (category IN ('curriculum', 'safety', 'conduct', 'resources', 'other')),
  concerns_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,          -- the teacher it is about, if any
  concerns_label    TEXT,                                                     -- 'a teacher' once that teacher erased their data
  urgent            INTEGER NOT NULL DEFAULT 0,
  stage             TEXT NOT NULL CHECK (stage IN ('reflecting', 'raised', 'urgent', 'plan', 'resolved', 'withdrawn')),
  shared_first      INTEGER,              -- answer to "have you shared your concern with the teacher?"
  teacher_informed  INTEGER,              -- at raising: the teacher knows it will be discussed with the principal
  reflect_until     TEXT,                 -- local date the coach is asked again
  not_yet_count     INTEGER NOT NULL DEFAULT 0,
  raised_at         TEXT,
  acknowledged_at   TEXT,
  acknowledged_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
  plan_text         TEXT,
  plan_owner_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  follow_up_date    TEXT,
  closed_at         TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL
);
CREATE INDEX escalations_by_school ON escalations (school_id, stage);
CREATE INDEX escalations_by_concerned ON escalations (concerns_user_id);

-- School-wide pathway settings: how long a coach reflects before being asked again, and how
-- long an urgent escalation waits for acknowledgement before the assistant principal is paged.
ALTER TABLE schools ADD COLUMN reflect_days INTEGER NOT NULL DEFAULT 2 CHECK (reflect_days BETWEEN 1 AND 10);
ALTER TABLE schools ADD COLUMN urgent_ack_minutes INTEGER NOT NULL DEFAULT 120 CHECK (urgent_ack_minutes BETWEEN 15 AND 1440);
