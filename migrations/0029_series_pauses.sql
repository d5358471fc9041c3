-- Each pause of a series as a span of days: from the day it was set to the first day not paused
-- (its resume date, or the day it was resumed or replaced). Overdue action items leave these days
-- out; until now the spans could only be read back from the audit log.
CREATE TABLE series_pauses (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  from_date TEXT NOT NULL,
  until_date TEXT NOT NULL
);
CREATE INDEX series_pauses_by_series ON series_pauses (series_id, from_date);

-- Pauses set before this table, from their audit entries (their UTC day), each ended by the next
-- pause or resume of the same series.
INSERT INTO series_pauses (series_id, from_date, until_date)
SELECT a.subject_id, substr(a.at, 1, 10), a.detail
FROM audit_log a
WHERE a.action = 'series.pause' AND a.subject_type = 'series' AND a.subject_id IN (SELECT id FROM series)
  AND a.detail GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND a.detail > substr(a.at, 1, 10)
ORDER BY a.id;

UPDATE series_pauses SET until_date = (
  SELECT min(substr(a.at, 1, 10)) FROM audit_log a
  WHERE a.subject_type = 'series' AND a.subject_id = series_pauses.series_id
    AND a.action IN ('series.pause', 'series.resume')
    AND substr(a.at, 1, 10) > series_pauses.from_date AND substr(a.at, 1, 10) < series_pauses.until_date
)
WHERE EXISTS (
  SELECT 1 FROM audit_log a
  WHERE a.subject_type = 'series' AND a.subject_id = series_pauses.series_id
    AND a.action IN ('series.pause', 'series.resume')
    AND substr(a.at, 1, 10) > series_pauses.from_date AND substr(a.at, 1, 10) < series_pauses.until_date
);
