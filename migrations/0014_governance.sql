-- Governed roles (DESIGN.md §1 "Roles and governance"): a tenant's admins, who alone create
-- schools and name principals, and coach invitations, which become a role only when accepted.
CREATE TABLE tenant_admins (
  tenant_id   INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  added_by    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);

-- Existing installs keep someone who can govern: whoever created a school, and school admins.
INSERT OR IGNORE INTO tenant_admins (tenant_id, user_id, added_by, created_at)
  SELECT tenant_id, created_by, NULL, created_at FROM schools WHERE created_by IS NOT NULL;
INSERT OR IGNORE INTO tenant_admins (tenant_id, user_id, added_by, created_at)
  SELECT s.tenant_id, m.user_id, NULL, m.created_at FROM memberships m JOIN schools s ON s.id = m.school_id WHERE m.role = 'admin';

CREATE TABLE role_invitations (
  id          INTEGER PRIMARY KEY,
  school_id   INTEGER NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('coach')),
  invited_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
  created_at  TEXT NOT NULL,
  answered_at TEXT
);
CREATE UNIQUE INDEX role_invitations_pending ON role_invitations (school_id, user_id, role) WHERE status = 'pending';
CREATE INDEX role_invitations_by_user ON role_invitations (user_id);
