-- Shared priorities both own: a change to one (a new priority, new wording, or clearing it) is a
-- proposal the other member of the partnership accepts or declines; until then the current one
-- stands. At most one open proposal per slot: a newer one replaces it.
CREATE TABLE priority_proposals (
  id              INTEGER PRIMARY KEY,
  partnership_id  INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,
  slot            INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 3),
  text            TEXT,                                   -- the proposed wording; NULL proposes clearing the slot
  proposed_by     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'kept', 'withdrawn', 'replaced')),
  created_at      TEXT NOT NULL,
  decided_at      TEXT
);
CREATE UNIQUE INDEX priority_proposals_open ON priority_proposals (partnership_id, slot) WHERE status = 'open';

-- An agenda item or action item may serve one of the partnership's shared priorities (by slot).
-- Clearing the priority clears the tag.
ALTER TABLE agenda_items ADD COLUMN priority_slot INTEGER CHECK (priority_slot BETWEEN 1 AND 3);
ALTER TABLE action_items ADD COLUMN priority_slot INTEGER CHECK (priority_slot BETWEEN 1 AND 3);
