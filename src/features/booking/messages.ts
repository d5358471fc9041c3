/** What booking says: the descriptions of rules and meetings, replies, DMs to the other person, and the home section. */
import type { Occurrence, School, Series, User } from '../../core/model';
import { WEEKDAY_LABELS, formatInstant, formatLocalDate, minutesOfDay, timeFromMinutes, toLocal, type LocalDate, type LocalTime } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import type { Clash, SeriesGlance, SeriesView } from './series';

/** "weekly on Tuesdays, 14:00–14:30" */
export function describeRule(series: Pick<Series, 'cadence' | 'weekday' | 'time' | 'durationMinutes'>): string {
  const end = timeFromMinutes(minutesOfDay(series.time) + series.durationMinutes);
  const cadence = series.cadence === 'weekly' ? 'weekly' : 'every two weeks';
  return `${cadence} on ${WEEKDAY_LABELS[series.weekday]}s, ${series.time}–${end}`;
}

/** "Tue 1 Dec 2026, 14:00–14:30 EST" */
export function describeOccurrence(o: Pick<Occurrence, 'startsAt' | 'endsAt'>, timeZone: string): string {
  const start = formatInstant(o.startsAt, timeZone, true);
  const end = toLocal(o.endsAt, timeZone).time;
  return start.replace(/, (\d\d:\d\d)/, `, $1–${end}`);
}

export function clashMessage(clash: Clash, actor: User): string {
  const who = clash.person.id === actor.id ? 'You already have' : `${clash.person.displayName} already has`;
  return `${who} a touch-point with ${clash.with.id === actor.id ? 'you' : clash.with.displayName} at ${formatInstant(clash.at, clash.timeZone, true)}; pick another time.`;
}

/** A warning (never a refusal) when a meeting falls outside school-day hours or on a weekend. */
export function hoursWarning(school: School, weekdayNumber: number, time: LocalTime, durationMinutes: number): string | undefined {
  const start = minutesOfDay(time);
  const end = start + durationMinutes;
  if (weekdayNumber >= 6) return `Heads-up: that is a ${WEEKDAY_LABELS[weekdayNumber as 6 | 7]}, outside ${school.name}'s school week.`;
  if (start < minutesOfDay(school.dayStart) || end > minutesOfDay(school.dayEnd)) {
    return `Heads-up: that is outside ${school.name}'s school day (${school.dayStart}–${school.dayEnd}).`;
  }
  return undefined;
}

/** How to type a person in a command: their handle when they have one. */
export const typedName = (user: User): string => (user.handle ? `@${user.handle}` : user.displayName);

/** The sentence many replies and DMs end with. */
export function nextLine(next: Occurrence | undefined, timeZone: string): string {
  return next ? `Next: ${describeOccurrence(next, timeZone)}.` : 'No upcoming touch-point is scheduled.';
}

const warningBlocks = (warning: string | undefined): Block[] => (warning ? [{ type: 'context', text: esc(warning) }] : []);

// ---- schools and coaches --------------------------------------------------------------------------

export function schoolCreated(school: School): Message {
  return textMessage(`Created ${school.name} (${school.timeZone}, school day ${school.dayStart}–${school.dayEnd}). You are its principal.`, {
    type: 'context',
    text: 'Next: add your coach with /touchpoint coach add @name, then book with /touchpoint book @name weekly tue 14:00.',
  });
}

// ---- proposals ----------------------------------------------------------------------------------

const answerButtons = (seriesId: number): Block => ({
  type: 'actions',
  buttons: [
    { actionId: 'booking.accept', label: 'Accept', value: String(seriesId), style: 'primary' },
    { actionId: 'booking.decline', label: 'Decline', value: String(seriesId), style: 'danger' },
  ],
});

/** The DM that asks the other person to accept or decline. */
export function proposalMessage(view: SeriesView, proposer: User, firstAt: string): Message {
  const rule = describeRule(view.series);
  return {
    text: `${proposer.displayName} proposes a touch-point: ${rule} (${view.school.timeZone}), first on ${firstAt}. Accept or decline.`,
    blocks: [
      { type: 'header', text: 'Touch-point proposal' },
      { type: 'text', text: `**${esc(proposer.displayName)}** proposes a recurring touch-point at ${esc(view.school.name)}.` },
      {
        type: 'fields',
        fields: [
          { label: 'When', value: esc(rule) },
          { label: 'First', value: esc(firstAt) },
          { label: 'Time zone', value: esc(view.school.timeZone) },
        ],
      },
      answerButtons(view.series.id),
    ],
  };
}

export function proposed(other: User, series: Series, firstAt: string, warning: string | undefined): Message {
  return textMessage(`Proposed to ${other.displayName}: ${describeRule(series)}, first on ${firstAt}. They can accept or decline.`, ...warningBlocks(warning));
}

export const declinedNotice = (by: User, series: Series): Message =>
  textMessage(`${by.displayName} declined the touch-point ${describeRule(series)}. Propose another time with /touchpoint book.`);
/** To the proposer, when the invited person cannot be reached: the proposal is withdrawn, with what to do. */
export const proposalNotDelivered = (invited: User, advice: string): Message =>
  textMessage(`Your touch-point proposal could not reach ${invited.displayName}, so it was withdrawn.`, {
    type: 'context',
    text: esc(`${advice}, then book again.`),
  });

export const declined = (proposer: User): Message => textMessage(`Declined. ${proposer.displayName} has been told and can propose another time.`);
export const acceptedNotice = (by: User, series: Series, next: string): Message => textMessage(`${by.displayName} accepted: ${describeRule(series)}. ${next}`);
export const booked = (proposer: User, series: Series, next: string): Message =>
  textMessage(`Booked with ${proposer.displayName}: ${describeRule(series)}. ${next}`);

// ---- cancel (withdraw a proposal, or end the series) --------------------------------------------

export function cancelQuestion(view: SeriesView, other: User): Message {
  const what =
    view.series.status === 'proposed'
      ? `withdraw your proposal to ${other.displayName}`
      : `end your touch-points with ${other.displayName} (${describeRule(view.series)})`;
  return {
    text: `Do you want to ${what}? Past touch-points and notes are kept.`,
    blocks: [
      { type: 'text', text: esc(`Do you want to ${what}? Past touch-points and notes are kept.`) },
      {
        type: 'actions',
        buttons: [
          {
            actionId: 'booking.cancel.confirm',
            label: view.series.status === 'proposed' ? 'Withdraw proposal' : 'End the series',
            value: String(view.series.id),
            style: 'danger',
          },
          { actionId: 'booking.cancel.keep', label: 'Keep it', value: String(view.series.id) },
        ],
      },
    ],
  };
}

export function cancelledNotice(by: User, series: Series, event: 'withdraw' | 'end'): Message {
  return textMessage(
    event === 'withdraw'
      ? `${by.displayName} withdrew the touch-point proposal (${describeRule(series)}).`
      : `${by.displayName} ended your touch-points (${describeRule(series)}). Past notes are kept.`,
  );
}

export function cancelled(other: User, event: 'withdraw' | 'end'): Message {
  return textMessage(
    event === 'withdraw'
      ? `Proposal withdrawn. ${other.displayName} has been told.`
      : `The series has ended. ${other.displayName} has been told. Book again any time with /touchpoint book.`,
  );
}

export const kept = (): Message => textMessage('Kept. Nothing changed.');

// ---- next, and the home section -------------------------------------------------------------------

/** What to do about having no touch-point: book one, for those who book; for a teacher, where help is instead. */
export const bookingHint = (booker: boolean): string =>
  booker
    ? 'Book one with /touchpoint book @name weekly tue 14:00.'
    : 'Touch-points are between principals and coaches. To ask a coach for help, use /coaching request.';

export const noTouchpointsYet = (booker: boolean): Message => textMessage('You have no touch-points yet.', { type: 'context', text: bookingHint(booker) });

/** One series in `next`: a proposal waiting for an answer, or the next touch-point. */
export function glanceMessage({ view, other, next, pausedUntil }: SeriesGlance, me: User): Message {
  if (view.series.status === 'proposed') {
    const mine = view.series.proposedBy === me.id;
    return {
      text: mine
        ? `Waiting for ${other.displayName} to accept: ${describeRule(view.series)}.`
        : `${other.displayName} proposed ${describeRule(view.series)}. Accept or decline.`,
      blocks: [
        {
          type: 'text',
          text: mine
            ? `Waiting for **${esc(other.displayName)}** to accept: ${esc(describeRule(view.series))}.`
            : `**${esc(other.displayName)}** proposed ${esc(describeRule(view.series))}.`,
        },
        ...(mine ? [] : [answerButtons(view.series.id)]),
      ],
    };
  }
  const when = next ? describeOccurrence(next, view.school.timeZone) : 'nothing scheduled in the coming weeks';
  const paused = pausedUntil ? ` Paused until ${formatLocalDate(pausedUntil)}.` : '';
  return {
    text: `Next touch-point with ${other.displayName}: ${when}.${paused}`,
    blocks: [
      { type: 'text', text: `Next touch-point with **${esc(other.displayName)}**: ${esc(when)}${next?.moved ? ' (moved)' : ''}.${esc(paused)}` },
      { type: 'context', text: esc(`${describeRule(view.series)} · ${view.school.name}`) },
    ],
  };
}

/** Home: the next touch-point of each series, or how to book one (for those who book). */
export function homeBlocks(glances: SeriesGlance[], isBooker: boolean): Block[] {
  if (glances.length === 0) {
    return isBooker
      ? [
          { type: 'text', text: '**Your touch-points**' },
          { type: 'context', text: `None yet. ${bookingHint(true)}` },
        ]
      : [];
  }
  const items = glances.map(({ view, other, next }) => {
    if (view.series.status === 'proposed') return `With **${esc(other.displayName)}**: proposed, ${esc(describeRule(view.series))}, awaiting an answer`;
    return `With **${esc(other.displayName)}**: ${esc(next ? describeOccurrence(next, view.school.timeZone) : 'nothing scheduled in the coming weeks')} (${esc(describeRule(view.series))})`;
  });
  return [
    { type: 'text', text: '**Your next touch-points**' },
    { type: 'list', items },
  ];
}

// ---- skip, move, pause, resume ------------------------------------------------------------------

export function skippedNotice(by: User, when: string, reason: string | undefined, next: string): Message {
  const why = reason ? ` Reason: ${reason}.` : ' No reason given.';
  return textMessage(`${by.displayName} skipped the touch-point on ${when}.${why} ${next}`);
}

export function skipped(when: string, other: User, next: string, occurrenceId: number): Message {
  return {
    text: `Skipped ${when}. ${other.displayName} has been told. ${next}`,
    blocks: [
      { type: 'text', text: esc(`Skipped ${when}. ${other.displayName} has been told. ${next}`) },
      { type: 'context', text: 'Skipped touch-points are counted; two in a row bring a "protect this time" nudge.' },
      { type: 'actions', buttons: [{ actionId: 'booking.unskip', label: 'Undo skip', value: String(occurrenceId) }] },
    ],
  };
}

export const unskippedNotice = (by: User, when: string): Message => textMessage(`${by.displayName} un-skipped: the touch-point on ${when} is on again.`);
export const unskipped = (when: string): Message => textMessage(`The touch-point on ${when} is on again.`);

export const movedNotice = (by: User, verb: 'moved' | 'rescheduled', before: string, after: string): Message =>
  textMessage(`${by.displayName} ${verb} the touch-point of ${before} to ${after}.`);

export function moved(verb: 'moved' | 'rescheduled', before: string, after: string, other: User, warning: string | undefined): Message {
  return textMessage(`${verb === 'moved' ? 'Moved' : 'Rescheduled'}: ${before} → ${after}. ${other.displayName} has been told.`, ...warningBlocks(warning));
}

export const pausedNotice = (by: User, until: LocalDate, drops: string | undefined, next: string): Message =>
  textMessage(`${by.displayName} paused your touch-points until ${formatLocalDate(until)}${drops ? `: ${drops}` : '.'} ${next}`);
export const paused = (until: LocalDate, next: string): Message =>
  textMessage(`Paused. Resumes on ${formatLocalDate(until)}; ${next}`, { type: 'context', text: 'Resume earlier with /touchpoint resume.' });
export const resumedNotice = (by: User, next: string): Message => textMessage(`${by.displayName} resumed your touch-points. ${next}`);
export const resumed = (next: string): Message => textMessage(`Resumed. ${next}`);

// ---- confirming a change first ----------------------------------------------------------------------

/** "Tue 15 Dec 14:00" */
export const shortWhen = (o: Pick<Occurrence, 'startsAt'>, timeZone: string): string => formatInstant(o.startsAt, timeZone).replace(/ \d{4},/, '');

/** "Tue 15 Dec 14:00, Tue 22 Dec 14:00 and 3 more" (at most five named). */
export function whenList(occurrences: Pick<Occurrence, 'startsAt'>[], timeZone: string): string {
  const named = occurrences.slice(0, 5).map((o) => shortWhen(o, timeZone));
  const more = occurrences.length - named.length;
  if (more > 0) return `${named.join(', ')} and ${more} more`;
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : (named[0] ?? '');
}

/** "Tue 15 Dec 14:00 and Tue 22 Dec 14:00 will not take place."; undefined when nothing is dropped. */
export const dropLine = (dropped: Pick<Occurrence, 'startsAt'>[], timeZone: string): string | undefined =>
  dropped.length === 0 ? undefined : `${whenList(dropped, timeZone)} will not take place.`;

/** A question with Confirm and Cancel; `lines` are the before → after and what it drops, in order. */
function confirmQuestion(lines: (string | undefined)[], other: User, actionId: string, value: string, warning?: string): Message {
  const shown = lines.filter((l): l is string => l !== undefined);
  const notYet = `Nothing changes, and ${other.displayName} is not told, until you confirm.`;
  return {
    text: [...shown, ...(warning ? [warning] : []), notYet].join('\n'),
    blocks: [
      ...shown.map((l): Block => ({ type: 'text', text: esc(l) })),
      ...warningBlocks(warning),
      { type: 'context', text: esc(notYet) },
      {
        type: 'actions',
        buttons: [
          { actionId, label: 'Confirm', value, style: 'primary' },
          { actionId: 'booking.cancel.keep', label: 'Cancel', value: '' },
        ],
      },
    ],
  };
}

export const moveQuestion = (other: User, before: string, after: string, value: string, warning: string | undefined): Message =>
  confirmQuestion([`Move your touch-point with ${other.displayName}: ${before} → ${after}?`], other, 'booking.move.confirm', value, warning);

export function pauseQuestion(
  other: User,
  until: LocalDate,
  before: string,
  after: string,
  dropped: string | undefined,
  restored: string | undefined,
  value: string,
): Message {
  return confirmQuestion(
    [`Pause your touch-points with ${other.displayName} until ${formatLocalDate(until)}? Next: ${before} → ${after}.`, dropped, restored],
    other,
    'booking.pause.confirm',
    value,
  );
}

export const changedSince = 'That touch-point has changed since you asked; nothing was changed. Type the command again.';
export const notTheAsker = 'Only the person who asked can confirm this change.';
export const alreadyMoved = (after: string): Message => textMessage(`That touch-point is already on ${after}; nothing changed.`);
export const alreadyPaused = (until: LocalDate): Message =>
  textMessage(`Your touch-points are already paused until ${formatLocalDate(until)}; nothing changed.`);

// ---- closures -------------------------------------------------------------------------------------

export const closureRemoved = (label: string, restored: number): Message =>
  textMessage(`Removed the closure "${label}". ${restored === 1 ? '1 touch-point is' : `${restored} touch-points are`} on again.`);
