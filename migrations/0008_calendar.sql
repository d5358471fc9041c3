-- Calendar feeds and the school calendar import (issue 8).

-- One private iCalendar feed per person. Only a SHA-256 hash of the secret token is stored, so a
-- copy of the database does not hand out anyone's feed; rotating replaces the hash (and bumps
-- the version, which a "Rotate now" button carries so a stale confirmation cannot rotate twice).
CREATE TABLE calendar_feeds (
  tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash       TEXT NOT NULL UNIQUE,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  rotated_at       TEXT,
  last_fetched_at  TEXT,
  PRIMARY KEY (tenant_id, user_id)
);

-- Closures that came from the school's calendar, keyed by the source event's UID, so a
-- re-import updates or removes them; closures added by hand have no row here and are never touched.
CREATE TABLE closure_imports (
  school_id    INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  uid          TEXT NOT NULL,
  closure_id   INTEGER NOT NULL UNIQUE REFERENCES closures(id) ON DELETE CASCADE,
  imported_at  TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (school_id, uid)
);

-- Schools that imported their calendar (the daily re-import keeps only these in sync) and the last result.
CREATE TABLE school_calendar_imports (
  school_id         INTEGER PRIMARY KEY REFERENCES schools(id) ON DELETE CASCADE,
  first_imported_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  last_imported_at  TEXT NOT NULL,
  added             INTEGER NOT NULL DEFAULT 0,
  updated           INTEGER NOT NULL DEFAULT 0,
  removed           INTEGER NOT NULL DEFAULT 0
);
