/**
 * Reminder planning (DESIGN.md §5) and the composing of each reminder at the moment it is sent.
 * Planning is idempotent: every row has a dedupe key holding the occurrence and its due
 * instant, so re-planning a moved meeting makes new rows and re-planning an unchanged one
 * changes nothing. A composer returns null when the reminder is no longer wanted (muted,
 * already answered, the meeting no longer on).
 */
import type { Services } from '../../core/context';
import type { Contributions } from '../../core/registry';
import type { Message } from '../../messages/model';
import { localToUtc, addDays, toLocal, type LocalDate } from '../../core/datetime';
import type { OutboxRow, PlanTarget } from '../../core/ports';
import { closureOn, occurrenceKey, schoolDaysBefore } from '../../core/school-calendar';
import { describeOccurrence, otherPerson, upcoming, viewOf, type SeriesView } from '../booking/service';
import { compileAgenda, isFirstOfQuarter } from './service';
import { actionDueMessage, driftMessage, outcomeQuestion, promptMessage } from './reminder-messages';

export const REMINDER_KINDS = {
  prompt: 'agenda.prompt',
  compiled: 'agenda.compiled',
  outcome: 'meeting.outcome',
  drift: 'agenda.drift',
  actionDue: 'action.due',
} as const;

/** Kinds a person may mute for themselves (`settings mute <word>`); the compiled agenda and urgent escalations cannot be muted. */
export const MUTABLE: Record<string, string> = {
  prompt: REMINDER_KINDS.prompt,
  notes: REMINDER_KINDS.outcome,
  drift: REMINDER_KINDS.drift,
  'action-items': REMINDER_KINDS.actionDue,
};

const MINUTE = 60_000;
/**
 * How far ahead meetings are planned: far enough that a prompt counted back over a long break
 * (5 school days before a meeting after two weeks off) is planned before its moment, not after.
 */
export const PLAN_AHEAD_MS = 35 * 86_400_000;
/** How far back the planner looks for changed occurrences (missed, skipped) to check for drift. */
const LOOK_BACK_MS = 14 * 86_400_000;

/** Plans the reminders of occurrences not yet planned; returns how many occurrences it visited. */
export function planReminders(services: Services, now: Date, limit = 5000): number {
  const { agenda, outbox } = services;
  const targets = agenda.toPlan(new Date(now.getTime() - LOOK_BACK_MS), new Date(now.getTime() + PLAN_AHEAD_MS), limit);
  services.transaction(() => {
    for (const t of targets) {
      if (t.status === 'scheduled') planMeeting(services, t, now);
      else {
        outbox.cancelPending(occurrenceKey(t.seriesId, t.occurrenceId));
        if (t.status === 'skipped' || t.status === 'missed') planDrift(services, t, now);
      }
      agenda.markPlanned(t.occurrenceId, now);
    }
  });
  return targets.length;
}

/**
 * When a meeting's agenda prompt is due: N school days before the day it takes place (a moved
 * meeting's prompt moves with it), at the partnership's prompt time.
 */
export function promptInstant(services: Services, m: { tenantId: number; partnershipId: number; schoolId: number; timeZone: string; startsAt: Date }): Date {
  const settings = services.agenda.settings(m.tenantId, m.partnershipId);
  const closures = services.calendar.closuresOfSchool(m.tenantId, m.schoolId);
  const meetingDate = toLocal(m.startsAt, m.timeZone).date;
  const promptDate = schoolDaysBefore(meetingDate, settings.promptLeadDays, (d) => closureOn(closures, d) !== undefined);
  return localToUtc(promptDate, settings.promptTime, m.timeZone);
}

function planMeeting(services: Services, t: PlanTarget, now: Date): void {
  const { agenda, outbox } = services;
  const settings = agenda.settings(t.tenantId, t.partnershipId);
  const promptAt = promptInstant(services, t);
  const agendaAt = new Date(t.startsAt.getTime() - settings.agendaLeadMinutes * MINUTE);
  const outcomeAt = new Date(t.endsAt.getTime() + settings.notesDelayMinutes * MINUTE);
  // Keyed by the meeting's start, not the reminder's due time: a changed setting re-plans the same
  // rows (a sent one is never sent again), while a moved meeting gets reminders of its own.
  const key = `${occurrenceKey(t.seriesId, t.occurrenceId)}${t.startsAt.getTime()}:`;
  const args = { occurrenceId: t.occurrenceId };
  for (const userId of [t.principalId, t.coachId]) {
    const base = { tenantId: t.tenantId, recipientId: userId, message: { text: '', blocks: [] }, compose: args };
    // The prompt is only useful before the compiled agenda goes out.
    if (promptAt < agendaAt) {
      outbox.plan({ ...base, kind: REMINDER_KINDS.prompt, dedupeKey: `${key}prompt:u${userId}`, dueAt: promptAt, expiresAt: agendaAt }, now);
    }
    outbox.plan({ ...base, kind: REMINDER_KINDS.compiled, dedupeKey: `${key}agenda:u${userId}`, dueAt: agendaAt, expiresAt: t.startsAt }, now);
    outbox.plan(
      {
        ...base,
        kind: REMINDER_KINDS.outcome,
        dedupeKey: `${key}outcome:u${userId}`,
        dueAt: outcomeAt,
        expiresAt: new Date(outcomeAt.getTime() + 3 * 86_400_000),
      },
      now,
    );
  }
}

/** Two missed or skipped touch-points in a row → "protect this time", once per run. */
function planDrift(services: Services, t: PlanTarget, now: Date): void {
  const { agenda, outbox } = services;
  const seq = agenda
    .pastOccurrences(t.tenantId, t.seriesId, t.startsAt, 20)
    .filter((o) => o.status === 'held' || o.status === 'missed' || o.status === 'skipped');
  if (seq.length < 2 || seq[0].id !== t.occurrenceId) return;
  const lapsed = (s: string): boolean => s === 'missed' || s === 'skipped';
  if (!lapsed(seq[0].status) || !lapsed(seq[1].status)) return;
  for (const userId of [t.principalId, t.coachId]) {
    outbox.plan(
      {
        tenantId: t.tenantId,
        recipientId: userId,
        kind: REMINDER_KINDS.drift,
        dedupeKey: `drift:s${t.seriesId}:o${t.occurrenceId}:u${userId}`,
        message: { text: '', blocks: [] },
        compose: { seriesId: t.seriesId, occurrenceId: t.occurrenceId },
        dueAt: now,
      },
      now,
    );
  }
}

/** Plans the due-date reminder of an action item: its owner, the morning of the due date. */
export function planActionReminder(
  services: Services,
  tenantId: number,
  view: SeriesView,
  actionId: number,
  ownerId: number,
  dueDate: LocalDate,
  now: Date,
): void {
  const settings = services.agenda.settings(tenantId, view.partnership.id);
  const dueAt = localToUtc(dueDate, settings.promptTime, view.school.timeZone);
  const endOfDay = localToUtc(addDays(dueDate, 1), '00:00', view.school.timeZone);
  services.outbox.plan(
    {
      tenantId,
      recipientId: ownerId,
      kind: REMINDER_KINDS.actionDue,
      dedupeKey: `action:${actionId}:due:${dueDate}`,
      message: { text: '', blocks: [] },
      compose: { actionId },
      dueAt,
      expiresAt: endOfDay,
    },
    now,
  );
}

function muted(services: Services, row: OutboxRow, partnershipId: number): boolean {
  return services.agenda.mutes(row.tenantId, row.recipientId, partnershipId).some((k) => MUTABLE[k] === row.kind);
}

/** Builds a reminder's message at send time, or null when it is no longer wanted. */
export function composeReminder(services: Services, row: OutboxRow, now: Date, contributions: Contributions): Message | null {
  const { agenda } = services;
  const args = row.compose ?? {};
  const viewer = services.people.userById(row.tenantId, row.recipientId);
  if (!viewer) return null;
  if (row.kind === REMINDER_KINDS.actionDue) {
    const action = agenda.actionById(row.tenantId, Number(args.actionId));
    if (!action || action.status !== 'open') return null;
    if (muted(services, row, action.partnershipId)) return null;
    return actionDueMessage(action);
  }
  const occurrence = services.series.occurrenceById(row.tenantId, Number(args.occurrenceId));
  if (!occurrence) return null;
  const series = services.series.seriesById(row.tenantId, occurrence.seriesId);
  if (!series) return null;
  const view = viewOf(services, row.tenantId, series);
  if (muted(services, row, view.partnership.id)) return null;
  const other = otherPerson(view, viewer);
  const when = describeOccurrence(occurrence, view.school.timeZone);
  switch (row.kind) {
    case REMINDER_KINDS.prompt: {
      if (occurrence.status !== 'scheduled' || series.status !== 'active') return null;
      if (agenda.passes(occurrence.id).includes(viewer.id)) return null;
      const compiled = compileAgenda(services, contributions, { tenantId: row.tenantId, view, occurrence, viewer, now });
      return promptMessage(other.displayName, when, occurrence.id, compiled);
    }
    case REMINDER_KINDS.compiled: {
      if (occurrence.status !== 'scheduled' || series.status !== 'active') return null;
      const earlier = agenda
        .pastOccurrences(row.tenantId, series.id, new Date(occurrence.startsAt.getTime() - 1), 30)
        .filter((o) => o.status === 'held' || o.status === 'scheduled' || o.status === 'missed')
        .map((o) => o.originalDate);
      return compileAgenda(
        services,
        contributions,
        { tenantId: row.tenantId, view, occurrence, viewer, now },
        { withAgreement: isFirstOfQuarter(occurrence.originalDate, earlier) },
      );
    }
    case REMINDER_KINDS.outcome: {
      if (occurrence.status !== 'scheduled' || agenda.outcomeOf(occurrence.id)) return null;
      return outcomeQuestion(view, occurrence.id, when, other.displayName);
    }
    case REMINDER_KINDS.drift: {
      if (series.status !== 'active') return null;
      const next = upcoming(services, row.tenantId, view, now, 1)[0];
      return driftMessage(other.displayName, series, next ? describeOccurrence(next, view.school.timeZone) : undefined);
    }
    default:
      return null;
  }
}
