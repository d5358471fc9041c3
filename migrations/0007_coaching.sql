-- Teachers' coaching requests (DESIGN.md §1 rules 3 and 4). A request is visible to its teacher and
-- the school's coaches only; principals see monthly counts by topic (under 3: "fewer than 3") and
-- the requests a teacher chose to share. Everything here goes with its teacher (forget-me):
-- requests cascade from the teacher, messages and answers cascade from the request.

CREATE TABLE coaching_requests (
  id                 INTEGER PRIMARY KEY,
  school_id          INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  teacher_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  topic              TEXT NOT NULL CHECK (topic IN ('classroom_management', 'engagement', 'assessment', 'curriculum', 'differentiation', 'technology', 'other')),
  details            TEXT NOT NULL,
  format             TEXT CHECK (format IN ('observe', 'co_plan', 'co_teach', 'model', 'talk')),
  preferred_times    TEXT,
  shared             INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),   -- the teacher shares topic, name, status, dates with leaders
  -- draft: not sent yet (the teacher is checking what the principal will see); open: waiting for a coach;
  -- in_progress: a question is being talked through; accepted: a session is proposed.
  status             TEXT NOT NULL CHECK (status IN ('draft', 'open', 'in_progress', 'accepted', 'declined', 'withdrawn', 'done')),
  coach_id           INTEGER REFERENCES users(id) ON DELETE SET NULL,       -- the coach who took it up
  proposed_time      TEXT,
  session_date       TEXT,                                                  -- local date, when the coach gave one
  helpful            TEXT CHECK (helpful IN ('yes', 'somewhat', 'not_really')),  -- private to the coach (and the teacher's own)
  created_at         TEXT NOT NULL,
  submitted_at       TEXT,
  first_answered_at  TEXT,
  updated_at         TEXT NOT NULL,
  closed_at          TEXT
);
CREATE INDEX coaching_requests_by_school ON coaching_requests (school_id, status, submitted_at);
CREATE INDEX coaching_requests_by_teacher ON coaching_requests (teacher_id);
CREATE INDEX coaching_requests_awaiting ON coaching_requests (status, first_answered_at);

-- The conversation on a request: the coach's acceptance, questions, the teacher's replies, a kind decline.
CREATE TABLE coaching_messages (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES coaching_requests(id) ON DELETE CASCADE,
  author_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('accept', 'question', 'reply', 'decline')),
  text        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX coaching_messages_by_request ON coaching_messages (request_id, id);

-- A coach's office hours (local wall-clock times of their school); `hours` replaces the whole set.
CREATE TABLE coaching_hours (
  coach_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 5),
  start_time  TEXT NOT NULL,
  end_time    TEXT NOT NULL,
  PRIMARY KEY (coach_id, weekday, start_time),
  CHECK (end_time > start_time)
);
