-- Meeting notes are saved once per touch-point (a second save would repeat next steps and carry-overs).
ALTER TABLE occurrences ADD COLUMN notes_at TEXT;

-- When the principals may read a raised escalation: with the agenda of the next touch-point
-- (its prompt), not the moment the coach raises it. Urgent ones: at once.
ALTER TABLE escalations ADD COLUMN visible_from TEXT;
UPDATE escalations SET visible_from = raised_at WHERE raised_at IS NOT NULL;
