-- A three-way conversation (coach, teacher, principal) proposed on a raised escalation: the
-- pathway's preference for talking with the teacher present over a report about them. It is
-- shown only to those who may read the escalation; the teacher is never messaged about it.
-- proposed: on the next agenda, to arrange; arranged: the principal set it up; withdrawn: the coach took it back.
ALTER TABLE escalations ADD COLUMN three_way TEXT CHECK (three_way IN ('proposed', 'arranged', 'withdrawn'));
ALTER TABLE escalations ADD COLUMN three_way_at TEXT;
ALTER TABLE escalations ADD COLUMN three_way_by INTEGER REFERENCES users(id) ON DELETE SET NULL;

-- A coaching session for an accepted request: a time one side proposes and the other confirms
-- (or answers with another time). Private to the teacher and the coach, like the request; it goes
-- with the request (forget-me, retention) through the cascade.
CREATE TABLE coaching_sessions (
  id           INTEGER PRIMARY KEY,
  request_id   INTEGER NOT NULL REFERENCES coaching_requests(id) ON DELETE CASCADE,
  starts_at    TEXT NOT NULL,
  minutes      INTEGER NOT NULL DEFAULT 30 CHECK (minutes BETWEEN 5 AND 240),
  -- proposed: waiting for the other side; confirmed: both agreed; superseded: another time was suggested;
  -- cancelled: the request was withdrawn or closed before it.
  status       TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'superseded', 'cancelled')),
  proposed_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
CREATE INDEX coaching_sessions_by_request ON coaching_sessions (request_id, id);
CREATE INDEX coaching_sessions_by_start ON coaching_sessions (status, starts_at);
