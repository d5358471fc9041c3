/**
 * What the coaching-session loop says. A session is private to the teacher and the coach: its
 * messages name the time and the other person, never the request's topic or words, and their
 * fallback text (what a lock screen shows) says only that there is something to open.
 */
import type { User } from '../../core/model';
import { formatInstant, toLocal } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import type { CoachingSession } from '../../core/ports';

export const SESSION_ACTIONS = { confirm: 'coaching.session.confirm', suggest: 'coaching.session.suggest' } as const;
export const SESSION_FORM = 'coaching.session.suggest';
/** What every calendar and list calls a session: never its topic. */
export const SESSION_TITLE = 'Coaching session';

/** "Tue 24 Nov 2026, 10:00–10:30 EST". */
export function describeSession(s: Pick<CoachingSession, 'startsAt' | 'minutes'>, timeZone: string): string {
  const end = toLocal(new Date(s.startsAt.getTime() + s.minutes * 60_000), timeZone).time;
  return formatInstant(s.startsAt, timeZone, true).replace(/, (\d\d:\d\d)/, `, $1–${end}`);
}

/** Confirm / Suggest another time, for the one of the two who did not propose the time. */
export function answerButtons(s: Pick<CoachingSession, 'id'>): Block {
  return {
    type: 'actions',
    buttons: [
      { actionId: SESSION_ACTIONS.confirm, label: 'Confirm', value: String(s.id), style: 'primary' },
      { actionId: SESSION_ACTIONS.suggest, label: 'Suggest another time', value: String(s.id) },
    ],
  };
}

/** The blocks added to the teacher's "your coach accepted" DM when the coach gave a date and a time. */
export function proposalBlocks(s: CoachingSession, when: string): Block[] {
  return [{ type: 'text', text: `**${esc(SESSION_TITLE)}: ${esc(when)}**` }, answerButtons(s)];
}

/** Another time suggested: to the other of the two, with the same two buttons. */
export function suggestedToOther(s: CoachingSession, by: User, when: string, requestId: number): Message {
  return {
    text: `${by.displayName} suggests another time for your coaching session — open Touchpoint to answer.`,
    blocks: [
      { type: 'header', text: 'Another time suggested' },
      { type: 'text', text: esc(`${by.displayName} suggests ${when} for the coaching session of request #${requestId}.`) },
      answerButtons(s),
    ],
  };
}

export const suggestedReply = (when: string, other: User): Message =>
  textMessage(`Suggested ${when}. ${other.displayName} has been told and can confirm it or suggest another time.`);

export const confirmedToOther = (by: User, when: string): Message =>
  textMessage(`${by.displayName} confirmed the coaching session: ${when}. It is in /touchpoint next and your calendar feed.`);

export const confirmedReply = (when: string, other: User): Message =>
  textMessage(
    `Confirmed: coaching session with ${other.displayName}, ${when}. ${other.displayName} has been told; it is in /touchpoint next and your calendar feed.`,
  );

export function suggestForm(s: CoachingSession, other: User, when: string): Message {
  return {
    text: `Suggest another time for the coaching session with ${other.displayName} (proposed: ${when}).`,
    blocks: [
      { type: 'text', text: esc(`Suggest another time for the coaching session with ${other.displayName} (proposed: ${when}).`) },
      {
        type: 'form',
        formId: `${SESSION_FORM}:${s.id}`,
        title: 'Suggest another time',
        submitLabel: 'Suggest',
        inputs: [
          { id: 'date', label: 'Date', kind: 'date', required: true },
          { id: 'time', label: 'Time', kind: 'text', required: true, placeholder: '10:30', hint: 'A time without am/pm is read inside the school day.' },
        ],
      },
    ],
  };
}

/** The reminder before a confirmed session. */
export function sessionReminder(other: User, when: string): Message {
  return textMessage(`${SESSION_TITLE} with ${other.displayName} soon: ${when}.`);
}

/** Confirmed sessions as `next`, `/coaching status` and Home list them: the time and the other person only. */
export function sessionsBlocks(lines: { when: string; withName: string }[]): Block[] {
  if (lines.length === 0) return [];
  return [
    { type: 'text', text: `**${lines.length === 1 ? 'Coaching session' : 'Coaching sessions'}**` },
    { type: 'list', items: lines.map((l) => esc(`${l.when} with ${l.withName}`)) },
  ];
}

export function sessionsMessage(lines: { when: string; withName: string }[]): Message {
  return {
    text: lines.map((l) => `${SESSION_TITLE} with ${l.withName}: ${l.when}.`).join('\n'),
    blocks: sessionsBlocks(lines),
  };
}

/** A time the coach proposed that still waits for the teacher: shown again in `/coaching status`, with the buttons. */
export function awaitingAnswerMessage(waiting: { session: CoachingSession; when: string; coachName: string }[]): Message {
  return {
    text: waiting.map((w) => `${w.coachName} proposes a coaching session: ${w.when}. Confirm it or suggest another time.`).join('\n'),
    blocks: waiting.flatMap((w) => [{ type: 'text' as const, text: esc(`${w.coachName} proposes a coaching session: ${w.when}.`) }, answerButtons(w.session)]),
  };
}
