-- Schools whose reminders must be planned again: a closure added, changed or removed, a pause
-- begun or ended, a member's role given or taken, school hours or time zone changed, a
-- partnership's reminder settings saved. Triggers write the row in the transaction of the change
-- (a command, the calendar import, a script), and the reminder planner takes it in that same
-- request (or at the next tick), so no writer has to remember to ask for it.
CREATE TABLE reminder_replans (
  school_id  INTEGER PRIMARY KEY REFERENCES schools(id) ON DELETE CASCADE
);

CREATE TRIGGER closures_replan_insert AFTER INSERT ON closures BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) VALUES (NEW.school_id);
END;
CREATE TRIGGER closures_replan_update AFTER UPDATE ON closures BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) VALUES (OLD.school_id);
  INSERT OR IGNORE INTO reminder_replans (school_id) VALUES (NEW.school_id);
END;
CREATE TRIGGER closures_replan_delete AFTER DELETE ON closures BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) SELECT OLD.school_id WHERE EXISTS (SELECT 1 FROM schools WHERE id = OLD.school_id);
END;
CREATE TRIGGER series_replan_pause AFTER UPDATE OF paused_until ON series WHEN NEW.paused_until IS NOT OLD.paused_until BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) SELECT school_id FROM partnerships WHERE id = NEW.partnership_id;
END;
CREATE TRIGGER memberships_replan_insert AFTER INSERT ON memberships BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) VALUES (NEW.school_id);
END;
CREATE TRIGGER memberships_replan_delete AFTER DELETE ON memberships BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) SELECT OLD.school_id WHERE EXISTS (SELECT 1 FROM schools WHERE id = OLD.school_id);
END;
CREATE TRIGGER schools_replan_hours AFTER UPDATE OF time_zone, day_start, day_end ON schools BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) VALUES (NEW.id);
END;
CREATE TRIGGER settings_replan_insert AFTER INSERT ON partnership_settings BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) SELECT school_id FROM partnerships WHERE id = NEW.partnership_id;
END;
CREATE TRIGGER settings_replan_update AFTER UPDATE ON partnership_settings BEGIN
  INSERT OR IGNORE INTO reminder_replans (school_id) SELECT school_id FROM partnerships WHERE id = NEW.partnership_id;
END;
