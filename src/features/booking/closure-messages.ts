/**
 * What a closure says: one message per person naming every touch-point it closed (or opened
 * again), and a reply whose counts are what happened — who was told, and whether anyone was.
 */
import type { Occurrence, School, User } from '../../core/model';
import { formatLocalDate, type LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { describeOccurrence } from './messages';

/** The touch-points one person lost (or got back) in one series, with that series' next line. */
export interface SeriesChange {
  occurrences: Occurrence[];
  next: string;
}

const listed = (items: string[]): string => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const whenOf = (change: SeriesChange, timeZone: string): string => listed(change.occurrences.map((o) => describeOccurrence(o, timeZone)));

/** One person's message about a new closure: each of their series on its own line. */
export function closedSummary(changes: SeriesChange[], school: School, label: string): Message {
  const lines = changes.map((c) => {
    const many = c.occurrences.length > 1;
    return `No touch-point${many ? 's' : ''} on ${whenOf(c, school.timeZone)}: ${school.name} is closed (${label}). ${c.next}`;
  });
  return textMessage(lines.join('\n'));
}

/** One person's message about a closure removed: the touch-points on again. */
export function reopenedSummary(changes: SeriesChange[], timeZone: string, closureLabel: string): Message {
  const lines = changes.map((c) => {
    const many = c.occurrences.length > 1;
    return `The touch-point${many ? 's' : ''} on ${whenOf(c, timeZone)} ${many ? 'are' : 'is'} on again: the closure "${closureLabel}" was removed.`;
  });
  return textMessage(lines.join('\n'));
}

const countOf = (n: number): string => (n === 1 ? '1 touch-point' : `${n} touch-points`);

/** Who was told, as the reply says it: "both people" only when the two of one partnership were. */
function toldLine(told: User[], partnerships: number): string {
  if (told.length === 0) return 'nobody was told';
  if (told.length === 2 && partnerships === 1) return 'both people told';
  return told.length === 1 ? `${told[0].displayName} told` : `${told.length} people told`;
}

export function closureSavedSummary(
  school: School,
  start: LocalDate,
  end: LocalDate,
  label: string,
  outcome: { affected: number; told: User[]; partnerships: number },
  closureId: number,
): Message {
  const range = start === end ? formatLocalDate(start) : `${formatLocalDate(start)} to ${formatLocalDate(end)}`;
  const what =
    outcome.affected === 0
      ? `No touch-points fall on ${start === end ? 'it' : 'those days'}; nobody was told.`
      : `${countOf(outcome.affected)} skipped; ${toldLine(outcome.told, outcome.partnerships)}.`;
  const line = `${school.name} is closed ${range} (${label}). ${what}`;
  return {
    text: line,
    blocks: [
      { type: 'text', text: esc(line) },
      { type: 'actions', buttons: [{ actionId: 'booking.closure.undo', label: 'Undo', value: String(closureId) }] },
    ],
  };
}
