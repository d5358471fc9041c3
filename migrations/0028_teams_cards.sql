-- Teams cards with buttons, as sent, so a card whose button settled it can be redrawn whole (its
-- content, the outcome in place of its buttons) after a restart too. The card is the neutral
-- message of the part sent, in Teams' words. Kept 30 days (a retention step); rows go with their
-- reader (forget-me), with the outbox row that produced them (a coaching request erased takes
-- the coaches' cards about it), and with their tenant.

CREATE TABLE teams_cards (
  conversation_id TEXT NOT NULL,
  activity_id     TEXT NOT NULL,          -- the id Teams gave the sent activity (a press names it as replyToId)
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,   -- whom it was sent to, or who asked for it
  outbox_id       INTEGER REFERENCES outbox(id) ON DELETE CASCADE,           -- the DM it was a part of; NULL for a reply
  message         TEXT NOT NULL,          -- JSON of the neutral Message, as sent
  sent_at         TEXT NOT NULL,          -- UTC ISO
  PRIMARY KEY (conversation_id, activity_id)
);
CREATE INDEX teams_cards_by_sent_at ON teams_cards (sent_at);
CREATE INDEX teams_cards_by_user ON teams_cards (user_id);
CREATE INDEX teams_cards_by_outbox ON teams_cards (outbox_id);
