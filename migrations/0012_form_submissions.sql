-- A command's form carries a one-time id; a second submission of the same card (a double click,
-- a resubmitted Teams card) is refused instead of creating a second escalation or closure.
CREATE TABLE form_submissions (
  form_key   TEXT PRIMARY KEY,
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  at         TEXT NOT NULL
);
CREATE INDEX form_submissions_at ON form_submissions (at);
