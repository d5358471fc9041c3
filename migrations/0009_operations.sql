-- One-time download links for a school's export: only a hash of the token is stored, and a
-- link works once, within minutes of being made.
CREATE TABLE export_links (
  token_hash  TEXT PRIMARY KEY,
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  school_id   INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  TEXT NOT NULL,
  expires_at  TEXT NOT NULL,
  used_at     TEXT
);

CREATE INDEX escalations_closed ON escalations (closed_at) WHERE closed_at IS NOT NULL;
