/** Coaching requests (DESIGN.md §1 rules 3 and 4): what the composition root and the report wire in. */
export { registerCoaching } from './commands';
export { parseSlots } from './hours';
export { coachingDemandBlocks, coachingDemandMessage, coachingExportSection, schoolDemand } from './demand';
export { composeCoachingReminder, isCoachingReminder, planCoachingReminders, COACHING_KINDS } from './reminders';
export { sessionsReply } from './session-commands';
export { sessionFeedEvents } from './sessions';
