-- Slack: OAuth installations (multi-workspace mode) and the log that makes retried Slack
-- deliveries act once.

-- One row per installation: a workspace (keyed by team id) or an Enterprise Grid org-wide
-- install (keyed by enterprise id). `installation` is Bolt's Installation object as JSON; it
-- holds the bot token, so this database is as secret as the tokens themselves.
CREATE TABLE slack_installations (
  install_key           TEXT PRIMARY KEY,         -- enterprise id for org-wide installs, else team id
  enterprise_id         TEXT,
  team_id               TEXT,
  is_enterprise_install INTEGER NOT NULL DEFAULT 0 CHECK (is_enterprise_install IN (0, 1)),
  bot_token             TEXT,
  bot_user_id           TEXT,
  installation          TEXT NOT NULL,
  installed_at          TEXT NOT NULL,
  updated_at            TEXT NOT NULL
);
CREATE INDEX slack_installations_by_enterprise ON slack_installations (enterprise_id);

-- Every inbound Slack request that acts (an event, a slash command, a button, a form) claims its
-- key here first. A retry finding 'done' is acknowledged without acting; one finding 'failed', or
-- a 'started' older than a minute (the first attempt died), acts.
--   event:<event_id>  command:<trigger_id>  action:<action_ts>:<user>:<action_id>  view:<view id>:<hash>
CREATE TABLE slack_deliveries (
  delivery_key  TEXT PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('started', 'done', 'failed')),
  attempts      INTEGER NOT NULL DEFAULT 1,
  started_at    TEXT NOT NULL,              -- UTC ISO, of the latest attempt
  finished_at   TEXT
);
CREATE INDEX slack_deliveries_by_start ON slack_deliveries (started_at);
