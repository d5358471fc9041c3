-- The outbox: every message the bot sends on its own (proposals, reminders, prompts) is a row
-- here first, so a crash or an unreachable platform never loses it. The planner inserts with
-- INSERT OR IGNORE on dedupe_key, which makes planning idempotent.

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  tenant_id       INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  recipient_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,           -- e.g. booking.proposal, agenda.prompt
  dedupe_key      TEXT NOT NULL UNIQUE,
  payload         TEXT NOT NULL,           -- JSON of the neutral Message
  due_at          TEXT NOT NULL,           -- UTC ISO
  expires_at      TEXT,                    -- not sent after this instant
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'expired', 'dead', 'cancelled')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,           -- UTC ISO; equals due_at until a failure
  lease_until     TEXT,                    -- a claimed row is not claimed again before this
  first_failed_at TEXT,
  last_error      TEXT,
  sent_at         TEXT,
  created_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_recipient ON outbox (recipient_id);
