-- Microsoft Teams conversation references, stored whole (JSON) because a proactive message needs
-- all of it: the service URL, the conversation, the bot and the user. One row per user and scope:
--   personal  the 1:1 chat with the bot, where direct messages go;
--   channel   the last team channel the user spoke to the bot in, used only to open a 1:1 chat
--             when there is no personal one yet (never to post a DM into the channel).
-- Rows go with their user (forget-me) and their tenant.

CREATE TABLE teams_conversations (
  tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope            TEXT NOT NULL CHECK (scope IN ('personal', 'channel')),
  conversation_id  TEXT NOT NULL,
  channel_user_id  TEXT NOT NULL,          -- the user's Bot Framework id in Teams (29:…), which mentions carry
  service_url      TEXT NOT NULL,
  reference        TEXT NOT NULL,          -- JSON of the Bot Framework ConversationReference
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id, scope)
);
CREATE INDEX teams_conversations_by_channel_user ON teams_conversations (tenant_id, channel_user_id);
