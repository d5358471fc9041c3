-- The planner looks for active series whose materialised horizon has fallen behind.
CREATE INDEX series_to_materialise ON series (status, materialised_through);
