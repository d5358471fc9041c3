/** A partnership's next touch-point still to come: what a raised escalation follows and its label names. */
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
