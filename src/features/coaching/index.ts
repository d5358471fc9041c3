/** Coaching requests (DESIGN.md §1 rules 3 and 4): what the composition root and the report wire in. */
export { registerCoaching, parseSlots } from './commands';
export { coachingDemandBlocks, coachingDemandMessage, coachingExportSection, schoolDemand } from './demand';
export { composeCoachingReminder, isCoachingReminder, planCoachingReminders, COACHING_KINDS } from './reminders';
