/** The words for an escalation's stage, and the stage as it stands now (its meeting, its reader, its age). */
import type { Services } from '../../core/context';
import { formatInstant, formatLocalDate, toLocal } from '../../core/datetime';
import type { Escalation, Stage } from '../../core/ports';
import { firstMeetingSince, nextTouchpointOf } from './next-touchpoint';

export const STAGE_LABELS: Record<Stage, string> = {
  reflecting: 'reflecting — not raised yet',
  raised: 'raised for the next touch-point',
  urgent: 'urgent',
  plan: 'plan agreed',
  resolved: 'resolved',
  withdrawn: 'withdrawn',
};

/**
 * The stage as it stands now: a raised one "for the next touch-point" only while one is planned
 * and its agenda is still to come; then on today's agenda, or discussed at the meeting that took
 * place; with no touch-point planned, when the principal can read it. An urgent one acknowledged
 * says by whom; the rest as STAGE_LABELS has them.
 */
export function stageLabel(services: Services, tenantId: number, e: Escalation, now: Date): string {
  const timeZone = services.people.schoolById(tenantId, e.schoolId)?.timeZone ?? 'UTC';
  if (e.stage === 'raised' && e.partnershipId === null) return 'raised to the principal';
  if (e.stage === 'raised' && e.visibleFrom && e.partnershipId !== null) {
    const readable = formatInstant(e.visibleFrom, timeZone, true);
    const next = nextTouchpointOf(services, tenantId, e.partnershipId, now);
    if (e.visibleFrom > now) return next ? STAGE_LABELS.raised : `raised; no touch-point planned — the principal can read it from ${readable}`;
    const met = firstMeetingSince(services, tenantId, e.partnershipId, e.visibleFrom, now);
    if (met) return `discussed at the touch-point of ${formatLocalDate(toLocal(met.startsAt, timeZone).date)}, no outcome recorded yet`;
    if (next && toLocal(next.startsAt, timeZone).date === toLocal(now, timeZone).date) return 'on today’s touch-point agenda';
    return next
      ? `raised — the principal can read it since ${readable}; next touch-point ${formatInstant(next.startsAt, timeZone, true)}`
      : `raised; no touch-point planned — the principal can read it since ${readable}`;
  }
  if (e.stage === 'urgent' && e.acknowledgedAt) {
    const by = e.acknowledgedBy !== null ? services.people.userById(tenantId, e.acknowledgedBy)?.displayName : undefined;
    return `urgent — acknowledged${by ? ` by ${by}` : ''} ${formatInstant(e.acknowledgedAt, timeZone, true)}, no outcome recorded yet`;
  }
  return STAGE_LABELS[e.stage];
}
