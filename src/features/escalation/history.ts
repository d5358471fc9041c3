/**
 * What a partnership's history records of its escalations: each one under the past touch-point it
 * was discussed at (the first that took place once its principals could read it), with its stage
 * and recorded outcome. Only for readers escalationReach gives the details — never one a principal
 * could not read yet — with the person it concerns named as the policy allows, each view audited.
 * History replies only: never the calendar feed, which is synced to other services.
 */
import type { Services } from '../../core/context';
import type { Actor, Occurrence, Partnership, School } from '../../core/model';
import { formatLocalDate } from '../../core/datetime';
import { escalationReach } from '../../core/policy';
import type { Escalation } from '../../core/ports';
import { CATEGORY_LABELS, aboutLine } from './messages';
import { firstMeetingSince } from './next-touchpoint';
import { auditView } from './views';

function outcomeOf(services: Services, tenantId: number, e: Escalation): string {
  const owner = e.planOwnerId !== null ? services.people.userById(tenantId, e.planOwnerId)?.displayName : undefined;
  switch (e.stage) {
    case 'resolved':
      return e.planText ? `resolved: ${e.planText}` : 'resolved';
    case 'plan':
      return [
        `plan: ${e.planText ?? '—'}`,
        ...(owner ? [`owner ${owner}`] : []),
        ...(e.followUpDate ? [`follow-up ${formatLocalDate(e.followUpDate)}`] : []),
      ].join(', ');
    case 'withdrawn':
      return 'withdrawn';
    case 'raised':
    case 'urgent':
    case 'reflecting':
      return 'no outcome recorded yet';
  }
}

/** Per meeting id (of these), one line per escalation discussed there that the viewer may read. */
export function escalationsAtMeetings(
  services: Services,
  viewer: Actor,
  at: { partnership: Partnership; school: School },
  meetings: Occurrence[],
  now: Date,
): Map<number, string[]> {
  const tenantId = viewer.tenant.id;
  const shown = new Set(meetings.map((o) => o.id));
  const out = new Map<number, string[]>();
  for (const e of services.escalations.raisedOfPartnership(tenantId, at.partnership.id)) {
    if (e.visibleFrom === null || escalationReach(viewer, at.school, e, now) !== 'details') continue;
    const meeting = firstMeetingSince(services, tenantId, at.partnership.id, e.visibleFrom, now);
    if (!meeting || !shown.has(meeting.id)) continue;
    auditView(services, tenantId, e, viewer.user.id, 'history', now);
    const line = `#${e.id} ${CATEGORY_LABELS[e.category]}, ${aboutLine(services, tenantId, e)} — ${outcomeOf(services, tenantId, e)}`;
    out.set(meeting.id, [...(out.get(meeting.id) ?? []), line]);
  }
  return out;
}
