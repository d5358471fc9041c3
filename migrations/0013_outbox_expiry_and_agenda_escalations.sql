-- The expiry sweep of every dispatch batch, and the escalations of a partnership's agenda.
CREATE INDEX outbox_expiring ON outbox (status, expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX escalations_by_partnership ON escalations (partnership_id, stage);
