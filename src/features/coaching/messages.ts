/**
 * The messages of a coaching request: the teacher's review and receipt, what the coaches get, the
 * answers each side receives, the replies to whoever acted, and the reminders. Each says who can
 * see it; user text is escaped. None of them is ever addressed to a principal: they go to the
 * teacher or to the school's coaches.
 */
import type { School, User } from '../../core/model';
import { requestFieldsForLeader, type LeaderRequestFields } from '../../core/policy';
import { formatLocalDate } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Button, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import type { CoachingRequest, Helpful } from '../../core/ports';
import { FORMAT_LABELS, HELPFUL_LABELS, STATUS_LABELS, TOPIC_LABELS, dayOf, monthOf } from './labels';
import { leaderLine, unsharedLine } from './demand';

export const ACTIONS = {
  send: 'coaching.send',
  share: 'coaching.share',
  edit: 'coaching.edit',
  discard: 'coaching.discard',
  accept: 'coaching.accept',
  ask: 'coaching.ask',
  decline: 'coaching.decline',
  reply: 'coaching.reply',
  done: 'coaching.done',
  helpful: 'coaching.helpful',
  withdraw: 'coaching.withdraw',
  forget: 'coaching.forget.confirm',
  keep: 'coaching.forget.keep',
} as const;

const optional = (v: string | null, none = '—'): string => (v === null || v === '' ? none : v);
const names = (people: User[]): string => people.map((p) => p.displayName).join(', ');

/** What a leader would see of this request once sent, or null when it is not shared. */
export function previewForLeader(r: CoachingRequest, teacher: User, now: Date): LeaderRequestFields | null {
  return requestFieldsForLeader({ ...r, status: 'open', submittedAt: now, updatedAt: now }, teacher.displayName);
}

function requestFields(r: CoachingRequest): Block {
  return {
    type: 'fields',
    fields: [
      { label: 'Topic', value: esc(TOPIC_LABELS[r.topic]) },
      { label: 'Format', value: esc(r.format ? FORMAT_LABELS[r.format] : '—') },
      { label: 'Preferred times', value: esc(optional(r.preferredTimes)) },
    ],
  };
}

function principalSees(r: CoachingRequest, teacher: User, school: School, now: Date): { blocks: Block[]; text: string } {
  const preview = previewForLeader(r, teacher, now);
  const line = preview ? leaderLine(preview, school) : unsharedLine(r.topic, monthOf(r.submittedAt ?? now, school));
  return {
    blocks: [{ type: 'text', text: '**What your principal will see**' }, preview ? { type: 'list', items: [esc(line)] } : { type: 'text', text: esc(line) }],
    text: `What your principal will see: ${line}`,
  };
}

/** Before sending: the request, who sees it, and exactly what the principal will see. */
export function confirmation(r: CoachingRequest, teacher: User, school: School, coaches: User[], joining: boolean, now: Date): Message {
  const sees = principalSees(r, teacher, school, now);
  const join = joining ? `Sending it makes you a teacher of ${school.name} on Touchpoint.` : '';
  return {
    text: [
      `Check your request before it is sent. Only you and the coaches of ${school.name} (${names(coaches)}) see it.`,
      `${TOPIC_LABELS[r.topic]}: ${r.details}`,
      sees.text,
      join,
    ]
      .filter(Boolean)
      .join('\n'),
    blocks: [
      { type: 'header', text: 'Check your request' },
      { type: 'text', text: `Only you and the coaches of **${esc(school.name)}** (${esc(names(coaches))}) see this request.` },
      requestFields(r),
      { type: 'text', text: esc(r.details) },
      ...sees.blocks,
      ...(join ? [{ type: 'context' as const, text: esc(join) }] : []),
      {
        type: 'actions',
        buttons: [
          { actionId: ACTIONS.send, label: 'Send request', value: String(r.id), style: 'primary' },
          r.shared
            ? { actionId: ACTIONS.share, label: 'Don’t share with my principal', value: `${r.id}:off` }
            : { actionId: ACTIONS.share, label: 'Share with my principal', value: `${r.id}:on` },
          { actionId: ACTIONS.edit, label: 'Edit', value: String(r.id) },
          { actionId: ACTIONS.discard, label: 'Cancel', value: String(r.id), style: 'danger' },
        ],
      },
    ],
  };
}

/** The teacher's receipt: what they asked, who can see it, how to withdraw or erase it. */
export function receipt(r: CoachingRequest, teacher: User, school: School, coaches: User[], now: Date): Message {
  const sees = principalSees(r, teacher, school, now);
  const how = `Withdraw it any time: /coaching withdraw ${r.id} · Erase everything about you: /coaching forget-me · Where it stands: /coaching status`;
  return {
    // A DM: its fallback text (lock screens) says where it went and who sees it, not what it asks.
    text: `Your coaching request #${r.id} went to the coaches of ${school.name} (${names(coaches)}).\nWho can see it: you and those coaches; open Touchpoint for what your principal sees.\n${how}`,
    blocks: [
      { type: 'header', text: `Your coaching request #${r.id}` },
      { type: 'text', text: `You asked the coaches of **${esc(school.name)}** for help:` },
      requestFields(r),
      { type: 'text', text: esc(r.details) },
      { type: 'text', text: `**Who can see it:** you and the coaches of ${esc(school.name)} (${esc(names(coaches))}).` },
      ...sees.blocks,
      { type: 'context', text: esc(how) },
    ],
  };
}

export function coachButtons(requestId: number): Button[] {
  return [
    { actionId: ACTIONS.accept, label: 'Accept and propose a time', value: String(requestId), style: 'primary' },
    { actionId: ACTIONS.ask, label: 'Ask a question', value: String(requestId) },
    { actionId: ACTIONS.decline, label: 'Decline kindly', value: String(requestId) },
  ];
}

const CONFIDENTIAL = 'Confidential: only the teacher and the school’s coaches see this. Principals see monthly counts by topic, once each month is over.';

/** The request as the school's coaches see it (everything). */
export function coachRequestMessage(r: CoachingRequest, teacher: User, school: School, heading = `Coaching request #${r.id}`): Message {
  return {
    // Fallback text reaches lock screens and notifications: nothing of the request itself.
    text: `${heading} — open Touchpoint to read it.`,
    blocks: [
      { type: 'header', text: esc(heading) },
      { type: 'text', text: `**${esc(teacher.displayName)}** asks for help with **${esc(TOPIC_LABELS[r.topic])}**.` },
      { type: 'text', text: esc(r.details) },
      requestFields(r),
      {
        type: 'context',
        text: esc(
          `${school.name} · sent ${dayOf(r.submittedAt ?? r.createdAt, school)} · ${r.shared ? 'the teacher shares topic, name, status and dates with the principal' : 'not shared with the principal'}. ${CONFIDENTIAL}`,
        ),
      },
      { type: 'actions', buttons: coachButtons(r.id) },
    ],
  };
}

/** A coach's answer as notifications show it: that there is one, not what it says. */
const neutral = (r: CoachingRequest): string => `Your coach answered coaching request #${r.id} — open Touchpoint to read it.`;

/** A teacher-facing line about the request, without repeating what they wrote. */
const about = (r: CoachingRequest): string => `your coaching request #${r.id} (${TOPIC_LABELS[r.topic]})`;

export function acceptedMessage(r: CoachingRequest, coach: User, when: string, date: string | null, note: string | null): Message {
  const line = `${coach.displayName} accepted ${about(r)} and proposes: ${when}${date ? ` (${formatLocalDate(date)})` : ''}.`;
  return {
    text: neutral(r),
    blocks: [
      { type: 'header', text: 'Your coach accepted' },
      { type: 'text', text: esc(line) },
      ...(note ? [{ type: 'text' as const, text: esc(note) }] : []),
      { type: 'context', text: esc(`Reply to ${coach.displayName} directly to confirm or find another time. Withdraw any time: /coaching withdraw ${r.id}`) },
    ],
  };
}

export function questionMessage(r: CoachingRequest, coach: User, question: string): Message {
  return {
    text: `A question about your coaching request #${r.id} — open Touchpoint to read it.`,
    blocks: [
      { type: 'header', text: 'A question from your coach' },
      { type: 'text', text: `**${esc(coach.displayName)}** has a question about ${esc(about(r))}:` },
      { type: 'text', text: esc(question) },
      { type: 'actions', buttons: [{ actionId: ACTIONS.reply, label: 'Reply', value: String(r.id), style: 'primary' }] },
      { type: 'context', text: esc(`Only you and the coaches see this. Withdraw any time: /coaching withdraw ${r.id}`) },
    ],
  };
}

export function replyToCoachMessage(r: CoachingRequest, teacher: User, reply: string): Message {
  return {
    text: `A reply on coaching request #${r.id} — open Touchpoint to read it.`,
    blocks: [
      { type: 'header', text: `Reply on coaching request #${r.id}` },
      { type: 'text', text: `**${esc(teacher.displayName)}** replied (${esc(TOPIC_LABELS[r.topic])}):` },
      { type: 'text', text: esc(reply) },
      { type: 'context', text: esc(CONFIDENTIAL) },
      { type: 'actions', buttons: coachButtons(r.id) },
    ],
  };
}

export function declinedMessage(r: CoachingRequest, coach: User, note: string | null): Message {
  const line = `${coach.displayName} can’t take on ${about(r)} right now.`;
  return {
    text: neutral(r),
    blocks: [
      { type: 'header', text: 'About your coaching request' },
      { type: 'text', text: esc(line) },
      ...(note ? [{ type: 'text' as const, text: esc(note) }] : []),
      { type: 'context', text: 'You can ask again any time with /coaching request.' },
    ],
  };
}

export function helpfulQuestion(r: CoachingRequest, coach: User): Message {
  return {
    text: `${coach.displayName} marked your coaching request #${r.id} done. Was this helpful? (Only ${coach.displayName} sees your answer.)`,
    blocks: [
      { type: 'header', text: 'Was this helpful?' },
      { type: 'text', text: `${esc(coach.displayName)} marked ${esc(about(r))} done.` },
      {
        type: 'actions',
        buttons: (['yes', 'somewhat', 'not_really'] as const).map((a) => ({ actionId: ACTIONS.helpful, label: HELPFUL_LABELS[a], value: `${r.id}:${a}` })),
      },
      { type: 'context', text: esc(`Only ${coach.displayName} sees your answer; your principal never does.`) },
    ],
  };
}

/** One line about a request for its teacher or a coach (both may see everything). */
export function requestLine(r: CoachingRequest, school: School, teacher?: User): string {
  const sent = dayOf(r.submittedAt ?? r.createdAt, school);
  const updated = dayOf(r.updatedAt, school);
  return `**#${r.id} · ${esc(TOPIC_LABELS[r.topic])}**${teacher ? ` — ${esc(teacher.displayName)}` : ''} — ${esc(STATUS_LABELS[r.status])} — sent ${esc(sent)}${updated !== sent ? `, updated ${esc(updated)}` : ''}`;
}

// ---- replies to whoever acted ------------------------------------------------------------------------

export function sentReply(r: CoachingRequest, school: School, joined: boolean): Message {
  const lines = [`Sent: request #${r.id} went to the coaches of ${school.name}. A receipt is in your messages.`];
  if (joined) lines.push(`You have joined ${school.name} as a teacher on Touchpoint.`);
  return textMessage(lines.join(' '), { type: 'context', text: esc(`Withdraw it any time: /coaching withdraw ${r.id}`) });
}

export const discardedReply = (): Message => textMessage('Cancelled. Nothing was sent, and the draft is gone.');

export function acceptedReply(r: CoachingRequest, teacher: User, when: string): Message {
  return textMessage(
    `Accepted request #${r.id}; ${teacher.displayName} has been told you propose: ${when}.`,
    {
      type: 'actions',
      buttons: [{ actionId: ACTIONS.done, label: 'Mark done', value: String(r.id) }],
    },
    { type: 'context', text: 'Mark it done after the session: the teacher is then asked whether it was helpful (only you see the answer).' },
  );
}

export const askedReply = (r: CoachingRequest, teacher: User): Message =>
  textMessage(`Asked ${teacher.displayName} about request #${r.id}. Their reply will come to you.`);

export const declinedReply = (r: CoachingRequest, teacher: User): Message =>
  textMessage(`Declined request #${r.id}; ${teacher.displayName} has been told, kindly.`);

export const replySentReply = (coach: User): Message => textMessage(`Sent your reply to ${coach.displayName}.`);

export const doneReply = (r: CoachingRequest, teacher: User): Message =>
  textMessage(`Marked request #${r.id} done. ${teacher.displayName} is asked whether it was helpful; only you will see the answer.`);

/** To the coach: the teacher's "was it helpful?" answer, for them alone. */
export function helpfulFeedback(r: CoachingRequest, teacher: User, helpful: Helpful): Message {
  return textMessage(`Was it helpful? ${teacher.displayName} answered "${HELPFUL_LABELS[helpful]}" about request #${r.id} (${TOPIC_LABELS[r.topic]}).`, {
    type: 'context',
    text: 'Only you see this answer.',
  });
}

export const helpfulThanks = (helpful: Helpful, coach: User | undefined): Message =>
  textMessage(`Thank you. Your answer (${HELPFUL_LABELS[helpful]}) goes to ${coach?.displayName ?? 'your coach'} only.`);

/** To the coaches of a withdrawn (or erased) request: that it was withdrawn, and nothing more. */
export const withdrawnNotice = (r: CoachingRequest): Message => textMessage(`Coaching request #${r.id} was withdrawn. Nothing more is needed from you.`);

/** To someone whose text named a person who then asked Touchpoint to forget them: what changed, not whose name it was. */
export const redactedNotice = (texts: number): Message =>
  textMessage(
    `A person asked Touchpoint to forget them, and ${texts === 1 ? 'one thing you wrote named them' : `${texts} things you wrote named them`} (agenda items, escalations, skip reasons or closures). Their name now reads "a teacher" there; nothing else in your text changed.`,
  );

export const withdrewReply = (r: CoachingRequest): Message => textMessage(`Withdrew request #${r.id}. The coach has been told it was withdrawn, nothing more.`);

// ---- reminders ---------------------------------------------------------------------------------------

/** To each coach of the school, when a request has waited 2 school days unanswered. */
export function nudgeMessage(r: CoachingRequest, teacher: User): Message {
  const topic = TOPIC_LABELS[r.topic];
  return {
    text: `Coaching request #${r.id} has waited 2 school days for an answer — open Touchpoint to read it.`,
    blocks: [
      { type: 'header', text: 'A coaching request is waiting' },
      { type: 'text', text: `**${esc(teacher.displayName)}**’s request #${r.id} (${esc(topic)}) has waited 2 school days for an answer.` },
      { type: 'text', text: esc(r.details) },
      { type: 'actions', buttons: coachButtons(r.id) },
      { type: 'context', text: 'Only you and the school’s coaches get this reminder.' },
    ],
  };
}

/** To the coach who accepted, after the session's date (`on`, as shown). */
export function sessionDoneMessage(r: CoachingRequest, teacher: User, on: string): Message {
  const topic = TOPIC_LABELS[r.topic];
  return {
    text: `Your coaching session with ${teacher.displayName} (request #${r.id}, ${topic}) was planned for ${on}. Mark it done when it has happened.`,
    blocks: [
      { type: 'text', text: `Your coaching session with **${esc(teacher.displayName)}** (request #${r.id}, ${esc(topic)}) was planned for ${esc(on)}.` },
      { type: 'actions', buttons: [{ actionId: ACTIONS.done, label: 'Mark done', value: String(r.id), style: 'primary' }] },
      { type: 'context', text: 'Marking it done asks the teacher whether it was helpful; only you see the answer.' },
    ],
  };
}
