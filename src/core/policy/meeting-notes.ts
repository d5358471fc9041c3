import type { Actor, Partnership, School } from '../model';
import { allow, deny, sameTenant, type Decision } from './shared';
import { canViewPartnership } from './series';

// ---- meeting notes (issue 17) -------------------------------------------------------------------

/** What the policy needs to know about a meeting note (the store's row satisfies it). */
export interface MeetingNoteFacts {
  partnershipId: number;
  authorId: number;
  visibility: 'shared' | 'private';
}

/**
 * Shared notes: the two people of the partnership. Private notes: their author, and nobody else
 * ever — not the other member, not a leader or admin of the school, not an export or a feed.
 */
export function maySeeMeetingNote(actor: Actor, school: School, partnership: Partnership, note: MeetingNoteFacts): Decision {
  const none = deny('There is no such note you can see.');
  if (!sameTenant(actor, school) || note.partnershipId !== partnership.id) return none;
  const member = canViewPartnership(actor, school, partnership);
  if (!member.allowed) return none;
  if (note.visibility === 'private') return note.authorId === actor.user.id ? allow : none;
  return allow;
}
