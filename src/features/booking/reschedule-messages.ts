/** What `reschedule` says: the question, the proposal DM with Accept/Decline, and the answers. */
import type { Series, User } from '../../core/model';
import type { Slot } from '../../core/ports/series';
import { formatLocalDate, type LocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { describeRule } from './messages';

interface Effect {
  firstDropped: string | undefined;
  firstNew: string;
}

const dropsLine = (e: Effect): string =>
  e.firstDropped
    ? `From ${e.firstDropped} on, the touch-points on the old slot will not take place; the first on the new slot is ${e.firstNew}.`
    : `The first on the new slot is ${e.firstNew}.`;

export function changeQuestion(other: User, series: Series, slot: Slot, from: LocalDate, effect: Effect, value: string, warning: string | undefined): Message {
  const lines = [
    `Change your touch-points with ${other.displayName} from ${formatLocalDate(from)}: ${describeRule(series)} → ${describeRule(slot)}?`,
    dropsLine(effect),
    `${other.displayName} is asked to accept; until then the current slot stands.`,
  ];
  const notYet = `Nothing changes, and ${other.displayName} is not told, until you confirm.`;
  return {
    text: [...lines, ...(warning ? [warning] : []), notYet].join('\n'),
    blocks: [
      ...lines.map((l): Block => ({ type: 'text', text: esc(l) })),
      ...(warning ? [{ type: 'context', text: esc(warning) } as const] : []),
      { type: 'context', text: esc(notYet) },
      {
        type: 'actions',
        buttons: [
          { actionId: 'booking.reschedule.confirm', label: 'Confirm', value, style: 'primary' },
          { actionId: 'booking.cancel.keep', label: 'Cancel', value: '' },
        ],
      },
    ],
  };
}

export const changeProposed = (other: User, slot: Slot, from: LocalDate, already: boolean): Message =>
  textMessage(
    already
      ? `That change is already waiting for ${other.displayName}; nothing changed.`
      : `Proposed to ${other.displayName}: from ${formatLocalDate(from)}, ${describeRule(slot)}. Until they accept, the current slot stands.`,
  );

/** The one DM that asks the other person; Accept/Decline carry the change's id. */
export function changeProposal(by: User, series: Series, slot: Slot, from: LocalDate, effect: Effect, changeId: number): Message {
  const line = `${by.displayName} proposes to change your touch-points from ${formatLocalDate(from)}: ${describeRule(series)} → ${describeRule(slot)}. ${dropsLine(effect)} Accept or decline.`;
  return {
    text: line,
    blocks: [
      { type: 'header', text: 'Touch-point change' },
      { type: 'text', text: esc(line) },
      {
        type: 'actions',
        buttons: [
          { actionId: 'booking.reschedule.accept', label: 'Accept', value: String(changeId), style: 'primary' },
          { actionId: 'booking.reschedule.decline', label: 'Decline', value: String(changeId), style: 'danger' },
        ],
      },
    ],
  };
}

export const changeAccepted = (slot: Slot, from: LocalDate, next: string): Message =>
  textMessage(`Changed: from ${formatLocalDate(from)}, ${describeRule(slot)}. ${next}`);
export const changeAcceptedNotice = (by: User, slot: Slot, from: LocalDate, next: string): Message =>
  textMessage(`${by.displayName} accepted the change: from ${formatLocalDate(from)}, ${describeRule(slot)}. ${next}`);
export const changeDeclined = (proposer: User, series: Series): Message =>
  textMessage(`Declined. ${proposer.displayName} has been told; the touch-points stay ${describeRule(series)}.`);
export const changeDeclinedNotice = (by: User, slot: Slot, series: Series): Message =>
  textMessage(`${by.displayName} declined the change to ${describeRule(slot)}; the touch-points stay ${describeRule(series)}.`);
