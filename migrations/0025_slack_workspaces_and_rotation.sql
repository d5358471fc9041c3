-- Slack: the workspace each person was last seen in (Enterprise Grid: one tenant, the org, with
-- one installation and bot token per workspace), and the expiry of rotating bot tokens.

-- Keyed by the bot's own user id (not the Slack user id): once a person is erased their row names
-- only an anonymised user and a workspace id.
CREATE TABLE slack_user_workspaces (
  user_id     INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  team_id     TEXT NOT NULL,              -- the Slack workspace (T…) whose installation reaches them
  updated_at  TEXT NOT NULL
);

-- Token rotation: the refresh token lives in the installation JSON (Bolt's Installation); the
-- expiry is a column so an operator can see which tokens are about to lapse.
ALTER TABLE slack_installations ADD COLUMN bot_token_expires_at TEXT;  -- UTC ISO; NULL: the token does not expire
