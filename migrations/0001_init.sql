-- Touchpoint: the foundation schema. Every row of school data reaches its tenant either
-- directly (tenant_id) or through its school; repositories always filter on it.

CREATE TABLE tenants (
  id            INTEGER PRIMARY KEY,
  platform      TEXT NOT NULL CHECK (platform IN ('slack', 'teams', 'console')),
  external_id   TEXT NOT NULL,             -- Slack team/enterprise id, Teams tenant id, 'local'
  name          TEXT,
  created_at    TEXT NOT NULL,
  UNIQUE (platform, external_id)
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  external_id   TEXT NOT NULL,             -- platform user id (Slack U…, Teams AAD object id, console handle)
  display_name  TEXT NOT NULL,
  handle        TEXT,                      -- short name people type: casey
  created_at    TEXT NOT NULL,
  UNIQUE (tenant_id, external_id)
);
CREATE INDEX users_by_handle ON users (tenant_id, handle);

CREATE TABLE schools (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name          TEXT NOT NULL,
  time_zone     TEXT NOT NULL,             -- IANA, e.g. America/New_York
  day_start     TEXT NOT NULL DEFAULT '07:30',
  day_end       TEXT NOT NULL DEFAULT '15:30',
  created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL,
  UNIQUE (tenant_id, name)
);

CREATE TABLE memberships (
  school_id     INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role          TEXT NOT NULL CHECK (role IN ('principal', 'assistant_principal', 'coach', 'teacher', 'admin')),
  created_at    TEXT NOT NULL,
  PRIMARY KEY (school_id, user_id, role)
);
CREATE INDEX memberships_by_user ON memberships (user_id);

CREATE TABLE partnerships (
  id            INTEGER PRIMARY KEY,
  school_id     INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  principal_id  INTEGER NOT NULL REFERENCES users(id),   -- principal or assistant principal
  coach_id      INTEGER NOT NULL REFERENCES users(id),
  created_at    TEXT NOT NULL,
  UNIQUE (school_id, principal_id, coach_id)
);

CREATE TABLE series (
  id                INTEGER PRIMARY KEY,
  partnership_id    INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  cadence           TEXT NOT NULL CHECK (cadence IN ('weekly', 'biweekly')),
  weekday           INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  local_time        TEXT NOT NULL,         -- HH:MM in the school's zone
  duration_minutes  INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 120),
  start_date        TEXT NOT NULL,         -- first possible local date
  status            TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'declined', 'cancelled')),
  paused_until      TEXT,                  -- local date; occurrences before it are paused
  proposed_by       INTEGER NOT NULL REFERENCES users(id),
  created_at        TEXT NOT NULL,
  decided_at        TEXT,
  ended_at          TEXT
);
CREATE INDEX series_by_partnership ON series (partnership_id, status);
CREATE INDEX series_by_status ON series (status);

CREATE TABLE occurrences (
  id              INTEGER PRIMARY KEY,
  series_id       INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  original_date   TEXT NOT NULL,           -- the slot's local date in the recurrence
  starts_at       TEXT NOT NULL,           -- UTC ISO instant (moved occurrences hold the new time)
  ends_at         TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('scheduled', 'skipped', 'closed', 'paused', 'held', 'missed', 'cancelled')),
  moved           INTEGER NOT NULL DEFAULT 0,
  reason          TEXT,                    -- skip reason or closure label
  updated_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (series_id, original_date)
);
CREATE INDEX occurrences_by_start ON occurrences (status, starts_at);
CREATE INDEX occurrences_by_series_start ON occurrences (series_id, starts_at);

CREATE TABLE closures (
  id            INTEGER PRIMARY KEY,
  school_id     INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  start_date    TEXT NOT NULL,
  end_date      TEXT NOT NULL,
  label         TEXT NOT NULL,
  created_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at    TEXT NOT NULL,
  CHECK (end_date >= start_date)
);
CREATE INDEX closures_by_school ON closures (school_id, start_date);

CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  school_id     INTEGER REFERENCES schools(id) ON DELETE CASCADE,
  actor_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
  action        TEXT NOT NULL,             -- e.g. series.book, series.cancel, escalation.view
  subject_type  TEXT NOT NULL,
  subject_id    INTEGER,
  detail        TEXT,                      -- never confidential text: ids and short facts only
  at            TEXT NOT NULL
);
CREATE INDEX audit_by_school ON audit_log (school_id, at);
