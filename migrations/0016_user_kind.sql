-- What the platform says a user is: a person, a bot or app, or a deactivated account. Only a
-- person is ever given a role (DESIGN.md §1 "Roles and governance").
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'bot', 'deactivated'));
