/** A partnership's touch-points as a raised escalation meets them: the next one to come, and the one it was discussed at. */
import type { Services } from '../../core/context';
import type { Occurrence } from '../../core/model';
import { upcoming, viewOf } from '../booking/service';

/** The partnership's next touch-point still to come (of its active series), if there is one. */
export function nextTouchpointOf(services: Services, tenantId: number, partnershipId: number, now: Date): Occurrence | undefined {
  const next = services.series
    .liveSeriesOfPartnership(tenantId, partnershipId)
    .filter((s) => s.status === 'active')
    .map((s) => upcoming(services, tenantId, viewOf(services, tenantId, s), now, 5).find((o) => o.startsAt > now))
    .filter((o): o is Occurrence => o !== undefined)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return next[0];
}

/** Past meetings that took place, or may have (not recorded yet): where a raised escalation was discussed. */
const MET = new Set(['held', 'scheduled']);

/** The partnership's first meeting that took place at or after `from` and started before `now`. */
export function firstMeetingSince(services: Services, tenantId: number, partnershipId: number, from: Date, now: Date): Occurrence | undefined {
  return services.meetingNotes
    .meetingsBefore(tenantId, partnershipId, now, 200)
    .filter((o) => o.startsAt >= from && MET.has(o.status))
    .pop();
}
