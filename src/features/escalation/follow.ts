/**
 * A raised escalation's text reaches the principals with the compiled agenda of the touch-point it
 * was raised for (its `visibleFrom`). When that touch-point is moved, rescheduled, skipped or the
 * series cancelled, the reading time follows the next touch-point still to come, so the principal
 * reads it neither before the coach was told nor long after, and the coach hears of the change.
 * With no touch-point to come, it stays where the coach was told it would be (readable in the
 * principals' escalations list from then), and the coach is told so.
 *
 * Run at the end of every request (whatever feature moved the meeting) and by the scheduler.
 */
import type { Services } from '../../core/context';
import type { School } from '../../core/model';
import type { Escalation } from '../../core/ports';
import { openDays, placeOnSchoolDay } from '../../core/school-calendar';
import { describeOccurrence } from '../booking/service';
import { followedTouchpoint, noTouchpointToFollow } from './messages';
import { pendingPrefix } from './pathway';
import { nextTouchpointOf } from './next-touchpoint';

export { nextTouchpointOf };

const NOTICE_KIND = 'escalation.follows';

/** When a touch-point's compiled agenda goes out: agenda-lead minutes before it, on a school day. */
export function compiledAgendaAt(services: Services, tenantId: number, school: School, partnershipId: number, startsAt: Date): Date {
  const days = openDays(school.timeZone, services.calendar.closuresOfSchool(tenantId, school.id));
  const at = new Date(startsAt.getTime() - services.agenda.settings(tenantId, partnershipId).agendaLeadMinutes * 60_000);
  return placeOnSchoolDay(days, at, 'earlier') ?? at;
}

/** Moves the reading time of each raised escalation not yet readable to its touch-point as it now stands. */
export function followTouchpoints(services: Services, now: Date, tenantId?: number): void {
  for (const { tenantId: tid, escalation: e } of services.escalations.awaitingAgenda(now, tenantId)) follow(services, tid, e, now);
}

function follow(services: Services, tenantId: number, e: Escalation, now: Date): void {
  const school = services.people.schoolById(tenantId, e.schoolId);
  const partnership = e.partnershipId !== null ? services.series.partnershipById(tenantId, e.partnershipId) : undefined;
  if (!school || !partnership || e.visibleFrom === null) return;
  const principal = services.people.userById(tenantId, partnership.principalId)?.displayName ?? 'the principal';
  const tell = (key: string, message: ReturnType<typeof noTouchpointToFollow>): void => {
    if (e.coachId === null) return;
    services.outbox.enqueue(
      { tenantId, recipientId: e.coachId, kind: NOTICE_KIND, dedupeKey: `${pendingPrefix(e.id)}follows:${key}`, message, dueAt: now },
      now,
    );
  };
  const next = nextTouchpointOf(services, tenantId, partnership.id, now);
  if (!next) {
    // Nothing to follow: it keeps the time the coach was told; said once for that time.
    tell(`none:${e.visibleFrom.getTime()}`, noTouchpointToFollow(e, principal, e.visibleFrom, school.timeZone));
    return;
  }
  const agendaAt = compiledAgendaAt(services, tenantId, school, partnership.id, next.startsAt);
  const at = agendaAt > now ? agendaAt : now;
  if (at.getTime() === e.visibleFrom.getTime()) return;
  services.escalations.update(tenantId, e.id, { visibleFrom: at }, now);
  tell(`at:${at.getTime()}`, followedTouchpoint(e, principal, describeOccurrence(next, school.timeZone)));
}
