-- Coaching demand as leaders see it (DESIGN.md §1 "Who sees what"): closed months only, frozen at
-- month end. A month's counts are written once, the first time anything needs them after the month
-- closes (and before any withdrawal, share, erasure or retention delete could change them), and
-- never rewritten, so a later erasure cannot be read off the difference. Counts only: no user ids,
-- no text. One row per topic (zero included), so a frozen month is one that has rows.
CREATE TABLE demand_snapshots (
  school_id  INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  month      TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),  -- YYYY-MM in the school's time zone
  topic      TEXT NOT NULL CHECK (topic IN ('classroom_management', 'engagement', 'assessment', 'curriculum', 'differentiation', 'technology', 'other')),
  count      INTEGER NOT NULL CHECK (count >= 0),
  frozen_at  TEXT NOT NULL,
  PRIMARY KEY (school_id, month, topic)
);
