import type { Actor, Partnership, School } from '../model';
import { allow, deny, hasRole, inPartnership, sameTenant, type Decision } from './shared';
import { booksTouchpoints, canManageClosures } from './series';

// ---- calendar feeds and the school calendar (issue 8) ----------------------------------------------

/**
 * What a calendar feed may show: a series of a partnership its owner is in, in the owner's tenant
 * and school, while the owner still holds that side's role there (a principal who left the school
 * stops seeing its touch-points). Nothing else ever goes into a feed: feeds are synced to other services.
 */
export function canSeeInCalendarFeed(owner: Actor, school: School, partnership: Partnership): Decision {
  if (!sameTenant(owner, school) || partnership.schoolId !== school.id || !inPartnership(owner, partnership)) {
    return deny('Only the principal and the coach of a touch-point see it in their calendar.');
  }
  const stillInRole =
    owner.user.id === partnership.coachId ? hasRole(owner, school.id, 'coach') : hasRole(owner, school.id, 'principal', 'assistant_principal');
  return stillInRole ? allow : deny(`You no longer hold your role at ${school.name}.`);
}

/**
 * A calendar feed: principals, assistant principals and coaches who are in a partnership, and
 * anyone with a confirmed coaching session they may see (`hasCoachingSessions`: shown there only
 * as "Coaching session", so a teacher's feed says nothing more than that).
 */
export function canHaveCalendarFeed(actor: Actor, partnerships: { school: School; partnership: Partnership }[], hasCoachingSessions = false): Decision {
  if (partnerships.some(({ school, partnership }) => canSeeInCalendarFeed(actor, school, partnership).allowed)) return allow;
  if (hasCoachingSessions) return allow;
  return deny(
    booksTouchpoints(actor)
      ? 'Your calendar feed holds your touch-points, and you have none yet. Book one with /touchpoint book @name weekly tue 14:00.'
      : 'Calendar feeds are for principals, assistant principals and coaches, for their touch-points; a teacher has one once a coaching session is confirmed.',
  );
}

/** Importing the school's calendar (holidays, breaks, testing days) into closures: whoever may set closures. */
export function canImportSchoolCalendar(actor: Actor, school: School): Decision {
  return canManageClosures(actor, school);
}
