-- The weekly rhythm: agenda items, shared priorities, action items, per-partnership reminder
-- settings, personal mutes, the partnership agreement, and planning marks on occurrences.

CREATE TABLE agenda_items (
  id              INTEGER PRIMARY KEY,
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  section         TEXT NOT NULL CHECK (section IN ('wins', 'data', 'priorities', 'support', 'learning', 'escalations', 'other')),
  text            TEXT NOT NULL,
  author_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'discussed', 'dropped')),
  carried_count   INTEGER NOT NULL DEFAULT 0,    -- meetings it has been carried over
  occurrence_id   INTEGER REFERENCES occurrences(id) ON DELETE SET NULL,  -- where it was discussed or dropped
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX agenda_items_open ON agenda_items (partnership_id, status);

CREATE TABLE priorities (
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  slot            INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),   -- shared vision: at most three
  text            TEXT NOT NULL,
  set_by          INTEGER REFERENCES users(id) ON DELETE SET NULL,
  set_at          TEXT NOT NULL,
  PRIMARY KEY (partnership_id, slot)
);

CREATE TABLE action_items (
  id              INTEGER PRIMARY KEY,
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  occurrence_id   INTEGER REFERENCES occurrences(id) ON DELETE SET NULL,
  text            TEXT NOT NULL,
  owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  due_date        TEXT NOT NULL,                 -- local date in the school's zone
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
  created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at      TEXT NOT NULL,
  closed_at       TEXT
);
CREATE INDEX action_items_open ON action_items (partnership_id, status);

CREATE TABLE partnership_settings (
  partnership_id       INTEGER PRIMARY KEY REFERENCES partnerships(id) ON DELETE CASCADE,
  prompt_lead_days     INTEGER NOT NULL DEFAULT 2 CHECK (prompt_lead_days BETWEEN 1 AND 5),
  prompt_time          TEXT NOT NULL DEFAULT '08:00',
  agenda_lead_minutes  INTEGER NOT NULL DEFAULT 60 CHECK (agenda_lead_minutes BETWEEN 10 AND 1440),
  notes_delay_minutes  INTEGER NOT NULL DEFAULT 15 CHECK (notes_delay_minutes BETWEEN 0 AND 240),
  updated_at           TEXT NOT NULL
);

CREATE TABLE reminder_mutes (
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,
  PRIMARY KEY (user_id, partnership_id, kind)
);

CREATE TABLE agreements (
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  confirmed_at    TEXT NOT NULL,
  PRIMARY KEY (partnership_id, user_id)
);

-- "Nothing from me this week" answers to an agenda prompt.
CREATE TABLE agenda_passes (
  occurrence_id   INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  at              TEXT NOT NULL,
  PRIMARY KEY (occurrence_id, user_id)
);

-- Planning marks: reminders are planned once per occurrence (reset when it moves or settings change),
-- and the meeting's outcome is recorded once.
ALTER TABLE occurrences ADD COLUMN planned_at TEXT;
ALTER TABLE occurrences ADD COLUMN outcome_at TEXT;
ALTER TABLE occurrences ADD COLUMN outcome_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX occurrences_to_plan ON occurrences (planned_at, starts_at) WHERE planned_at IS NULL;
ALTER TABLE series ADD COLUMN materialised_through TEXT;

-- Reminders whose content is composed when they are sent (the agenda as it stands then):
-- the arguments the composer needs, as JSON. NULL for rows whose payload is final.
ALTER TABLE outbox ADD COLUMN compose TEXT;
