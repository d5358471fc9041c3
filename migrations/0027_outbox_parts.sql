-- The parts of an outbox row already delivered. A message too long for one Slack or Teams
-- message goes as several; when part k fails and the row is retried, only the parts not in this
-- table are sent again, so nobody gets parts 1..k-1 twice. Ids only, no text: the platform's id of
-- the message that carried the part. Rows go with their outbox row (retention, erasure).

CREATE TABLE outbox_parts (
  outbox_id    INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  part         INTEGER NOT NULL,          -- 0-based, in the order the parts are sent
  platform_id  TEXT,                      -- Slack: the message ts; Teams: the activity id (NULL when none was given)
  delivered_at TEXT NOT NULL,             -- UTC ISO
  PRIMARY KEY (outbox_id, part)
);
