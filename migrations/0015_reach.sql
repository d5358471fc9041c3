-- Reach (DESIGN.md §5): a person the platform cannot deliver to (never opened the app, removed
-- it, a deactivated account) is marked at once, so nobody waits on a message that cannot arrive.
ALTER TABLE users ADD COLUMN unreachable_at TEXT;
ALTER TABLE users ADD COLUMN unreachable_reason TEXT;
