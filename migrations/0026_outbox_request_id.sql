-- The id of the HTTP request that queued or planned an outbox row (the x-request-id it was given),
-- so the log lines of its later send, retries and giving-up can be matched to the request that
-- caused them. NULL for rows the scheduler planned on its own. An opaque id: it names no person.
ALTER TABLE outbox ADD COLUMN request_id TEXT;
