/**
 * The pathway's planned DMs, composed when sent: the urgent page and its repeat, the coach's
 * reflection question, the plan's follow-up. Each is dropped when the escalation has moved on
 * (pathway.ts says in which stages each is still sent) or the reader may no longer see it.
 */
import type { Services } from '../../core/context';
import type { OutboxRow } from '../../core/ports';
import { decide, hasRole } from '../../core/policy';
import type { Message } from '../../messages/model';
import { localToUtc, type LocalDate } from '../../core/datetime';
import type { School } from '../../core/model';
import { openDays, placeOnSchoolDay } from '../../core/school-calendar';
import { OUTBOX_KINDS, SENT_WHILE, pendingPrefix, type OutboxKind } from './pathway';
import { details } from './messages';
import { actorOf, auditView, schoolOf } from './views';

const isPathwayKind = (kind: string): kind is OutboxKind => (Object.values(OUTBOX_KINDS) as string[]).includes(kind);

export function composeEscalation(services: Services, row: OutboxRow, now: Date): Message | null {
  const tenantId = row.tenantId;
  const e = services.escalations.byId(tenantId, Number(row.compose?.escalationId));
  const viewer = services.people.userById(tenantId, row.recipientId);
  if (!e || !viewer || !isPathwayKind(row.kind)) return null;
  if (!SENT_WHILE[row.kind].includes(e.stage)) return null;
  const school = schoolOf(services, tenantId, e);
  const actor = actorOf(services, tenantId, viewer);
  switch (row.kind) {
    case OUTBOX_KINDS.urgent:
    case OUTBOX_KINDS.page: {
      if (row.kind === OUTBOX_KINDS.page && e.acknowledgedAt) return null;
      if (!decide('escalation.view', actor, school, e, now).allowed) return null;
      auditView(services, tenantId, e, viewer.id, row.kind === OUTBOX_KINDS.urgent ? 'urgent dm' : 'page dm', now);
      const isAp = !hasRole(actor, school.id, 'principal');
      const title =
        row.kind === OUTBOX_KINDS.urgent
          ? 'Urgent escalation — student safety'
          : isAp
            ? 'Paged: urgent escalation not yet acknowledged'
            : 'Still unacknowledged: urgent escalation';
      return {
        // The fallback text is what lock screens and notifications show: never the concern itself.
        text: `${title} — open Touchpoint now.`,
        blocks: [
          { type: 'header', text: title },
          ...details(services, tenantId, e, now),
          { type: 'actions', buttons: [{ actionId: 'escalation.ack', label: 'Acknowledge', value: String(e.id), style: 'primary' }] },
        ],
      };
    }
    case OUTBOX_KINDS.reflect: {
      if (e.reflectUntil !== row.compose?.until) return null;
      if (!decide('escalation.steer', actor, school, e).allowed) return null;
      auditView(services, tenantId, e, viewer.id, 'reflection dm', now);
      return {
        text: `Still need to raise escalation #${e.id}? Open Touchpoint to decide.`,
        blocks: [
          { type: 'header', text: 'Still need to raise it?' },
          ...details(services, tenantId, e, now),
          {
            type: 'actions',
            buttons: [
              { actionId: 'escalation.raise-ask', label: 'Raise it', value: String(e.id), style: 'primary' },
              { actionId: 'escalation.worked-out', label: 'We worked it out', value: String(e.id) },
              { actionId: 'escalation.not-yet', label: 'Not yet (2 more days)', value: String(e.id) },
            ],
          },
        ],
      };
    }
    case OUTBOX_KINDS.followUp: {
      if (e.followUpDate !== row.compose?.date) return null;
      if (!decide('escalation.view', actor, school, e, now).allowed && !decide('escalation.steer', actor, school, e).allowed) return null;
      auditView(services, tenantId, e, viewer.id, 'follow-up dm', now);
      return {
        text: `Follow-up today on escalation #${e.id} — open Touchpoint to read it.`,
        blocks: [
          { type: 'header', text: 'Escalation follow-up today' },
          ...details(services, tenantId, e, now),
          { type: 'actions', buttons: [{ actionId: 'escalation.outcome', label: 'Record outcome', value: String(e.id) }] },
        ],
      };
    }
  }
}

/** The hour a dated escalation reminder (reflection, follow-up) goes out, on its date or the next school day. */
const REMINDER_TIME = '08:00';

/** When a reminder dated `date` goes out: at REMINDER_TIME that day, or the next school day when the school is closed then. */
export function escalationReminderAt(services: Services, tenantId: number, school: School, date: LocalDate): Date {
  const at = localToUtc(date, REMINDER_TIME, school.timeZone);
  return placeOnSchoolDay(openDays(school.timeZone, services.calendar.closuresOfSchool(tenantId, school.id)), at, 'later') ?? at;
}

/**
 * After the school's calendar changed (a closure added or removed): the coach's reflection
 * question and a plan's follow-up still waiting to be sent move to the school day their date now
 * falls on or after, at the same hour, as every follow-up does.
 */
export function replanEscalationsOfSchool(services: Services, tenantId: number, schoolId: number, now: Date): void {
  const school = services.people.schoolById(tenantId, schoolId);
  if (!school) return;
  for (const e of services.escalations.openOfSchool(tenantId, schoolId)) {
    const waiting = [
      e.reflectUntil ? { kind: OUTBOX_KINDS.reflect, date: e.reflectUntil } : undefined,
      e.followUpDate ? { kind: OUTBOX_KINDS.followUp, date: e.followUpDate } : undefined,
    ];
    for (const w of waiting) {
      if (!w) continue;
      const row = services.outbox.byDedupeKey(`${pendingPrefix(e.id, w.kind)}${w.date}`);
      if (!row || row.status !== 'pending') continue;
      const placed = escalationReminderAt(services, tenantId, school, w.date);
      if (placed.getTime() === row.dueAt.getTime() || placed < now) continue;
      services.outbox.cancelPendingKey(row.dedupeKey);
      services.outbox.plan(
        {
          tenantId,
          recipientId: row.recipientId,
          kind: row.kind,
          dedupeKey: row.dedupeKey,
          message: row.message,
          compose: row.compose ?? undefined,
          dueAt: placed,
        },
        now,
      );
    }
  }
}
