-- Meeting notes of a touch-point: shared ones (both members of the partnership read them) and
-- private ones (only their author ever reads them). Each row is one note by one author; people
-- named in it are stored as person references. An erased author's notes go with them.

CREATE TABLE meeting_notes (
  id              INTEGER PRIMARY KEY,
  occurrence_id   INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  author_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  visibility      TEXT NOT NULL CHECK (visibility IN ('shared', 'private')),
  text            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE INDEX meeting_notes_by_occurrence ON meeting_notes (occurrence_id);
CREATE INDEX meeting_notes_by_partnership ON meeting_notes (partnership_id);
