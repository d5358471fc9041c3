/**
 * The one place that decides who may see or do what (DESIGN.md §1, "Who sees what").
 * Every function is pure over the actor's memberships and the subject's facts, so the rules
 * can be read, and tested, in one module. A person with several roles gets the union of what
 * each role allows; every grant is limited to the actor's own tenant and school.
 *
 * The rules are grouped by area: shared.ts (the decision and the facts every rule reads),
 * governance.ts (schools, roles, coaches, export), series.ts (touch-points, the agenda, health),
 * escalation.ts, coaching.ts, calendar.ts, meeting-notes.ts; rules.ts names them all for `decide` and `authorize`.
 */
export { LEADER_ROLES, hasRole, rolesAt, type Decision } from './shared';
export {
  GOVERNED_ROLES,
  GOVERNED_ROLE_LABELS,
  canAnswerInvitation,
  canCreateSchool,
  canExportSchool,
  canGiveRole,
  canManageCoaches,
  canTakeRole,
  type GovernedRole,
  type RoleTarget,
} from './governance';
export {
  booksTouchpoints,
  canAnswerProposal,
  canBook,
  canEditItem,
  canManageClosures,
  canManageSeries,
  canUseAgenda,
  canViewHealth,
  canViewPartnership,
} from './series';
export {
  canAcknowledgeEscalation,
  canArrangeThreeWay,
  canChangeEscalationSettings,
  canCountEscalations,
  canRaiseEscalation,
  canReadAuditLog,
  canRecordEscalationOutcome,
  canSteerEscalation,
  canViewEscalation,
  escalationReach,
  type EscalationReach,
  mayNameConcernedPerson,
  type EscalationFacts,
} from './escalation';
export {
  AGGREGATE_MIN,
  FEWER_THAN_MIN,
  aggregateCount,
  canActAsRequester,
  canAnswerCoachingSession,
  canAnswerRequest,
  canCoach,
  canRequestCoaching,
  canSeeCoachingDemand,
  canSeeCoachingSession,
  canSeeHelpfulAnswer,
  canSeeRequest,
  requestFieldsForLeader,
  type CoachingRequestFacts,
  type CoachingSessionFacts,
  type LeaderRequestFields,
} from './coaching';
export { maySeeMeetingNote, type MeetingNoteFacts } from './meeting-notes';
export { canHaveCalendarFeed, canImportSchoolCalendar, canSeeInCalendarFeed } from './calendar';
export { RULES, authorize, decide, type ActorRule, type RuleName } from './rules';
export { VIEWERS, VISIBILITY_NOTES, WHO_SEES_WHAT, type VisibilityRow } from './who-sees-what';
