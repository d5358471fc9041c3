/**
 * What a teacher or a coach looks at: their requests (`/coaching status`), a coach's queue, the
 * home view's coaching part, office hours, and the erasure's confirmation and outcome. Built from
 * what service.ts and forget.ts found; user text is escaped.
 */
import { escapeMarkup as esc, type Block, type Button, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import type { OfficeHour } from '../../core/ports';
import type { ForgetOutcome, ForgetPlan } from './forget';
import { FORMAT_LABELS, HELPFUL_LABELS, STATUS_LABELS, TOPIC_LABELS, dayOf, slotLabel } from './labels';
import { ACTIONS, coachButtons, requestLine } from './messages';
import type { CoachingHome, OwnRequest } from './service';
import type { QueueWithSessions } from './queue-sessions';

// ---- status -------------------------------------------------------------------------------------------

export function statusMessage(mine: OwnRequest[]): Message {
  if (mine.length === 0) return textMessage('You have no coaching requests. Ask a coach for help with /coaching request.');
  const blocks: Block[] = [{ type: 'header', text: 'Your coaching requests' }];
  const lines: string[] = [];
  for (const { request: r, school, canReply, canWithdraw } of mine) {
    blocks.push({ type: 'text', text: requestLine(r, school) });
    const extra = [
      r.shared ? 'shared with your principal (topic, name, status, dates)' : 'not shared with your principal',
      ...(r.proposedTime && r.status === 'accepted' ? [`proposed: ${r.proposedTime}`] : []),
      ...(r.helpful ? [`your answer to "was it helpful?": ${HELPFUL_LABELS[r.helpful]}`] : []),
    ];
    blocks.push({ type: 'context', text: esc(extra.join(' · ')) });
    const buttons: Button[] = [];
    if (canReply) buttons.push({ actionId: ACTIONS.reply, label: `Reply on #${r.id}`, value: String(r.id), style: 'primary' });
    if (canWithdraw) buttons.push({ actionId: ACTIONS.withdraw, label: `Withdraw #${r.id}`, value: String(r.id) });
    if (buttons.length) blocks.push({ type: 'actions', buttons });
    lines.push(`#${r.id} ${TOPIC_LABELS[r.topic]} — ${STATUS_LABELS[r.status]} — sent ${dayOf(r.submittedAt ?? r.createdAt, school)}`);
  }
  blocks.push({ type: 'context', text: 'Withdraw: /coaching withdraw <id> · erase everything about you: /coaching forget-me' });
  return { text: `Your coaching requests:\n${lines.join('\n')}`, blocks };
}

// ---- a coach's queue ----------------------------------------------------------------------------------

const QUEUE_SHOWN = 20;
const DETAILS_SHOWN = 300;
const HOME_QUEUE_SHOWN = 10;

export function queueMessage(queues: QueueWithSessions[]): Message {
  const blocks: Block[] = [];
  const lines: string[] = [];
  for (const { school, entries } of queues) {
    blocks.push({ type: 'header', text: `Coaching queue — ${esc(school.name)}` });
    lines.push(`Coaching queue — ${school.name}: ${entries.length === 0 ? 'no open requests' : `${entries.length} open`}`);
    if (entries.length === 0) blocks.push({ type: 'context', text: 'No open requests.' });
    for (const { request: r, teacher, next, session } of entries.slice(0, QUEUE_SHOWN)) {
      blocks.push({ type: 'text', text: requestLine(r, school, teacher) });
      blocks.push({ type: 'text', text: esc(r.details.length > DETAILS_SHOWN ? `${r.details.slice(0, DETAILS_SHOWN - 1)}…` : r.details) });
      // A session, when there is one, says where its time stands; else the time typed with the acceptance.
      const when = session ? ` · ${session.line}` : r.proposedTime ? ` · proposed: ${r.proposedTime}` : '';
      blocks.push({ type: 'context', text: esc(`Format: ${r.format ? FORMAT_LABELS[r.format] : '—'} · preferred times: ${r.preferredTimes ?? '—'}${when}`) });
      if (session?.buttons) blocks.push(session.buttons);
      if (next === 'done') blocks.push({ type: 'actions', buttons: [{ actionId: ACTIONS.done, label: `Mark #${r.id} done`, value: String(r.id) }] });
      if (next === 'answer') blocks.push({ type: 'actions', buttons: coachButtons(r.id) });
      lines.push(`#${r.id} ${TOPIC_LABELS[r.topic]} — ${teacher.displayName} — ${STATUS_LABELS[r.status]}: ${r.details}${session ? ` (${session.line})` : ''}`);
    }
    if (entries.length > QUEUE_SHOWN) blocks.push({ type: 'context', text: `And ${entries.length - QUEUE_SHOWN} more.` });
  }
  blocks.push({ type: 'context', text: 'Confidential: only the teachers and the school’s coaches see these requests.' });
  return { text: lines.join('\n'), blocks };
}

// ---- home ---------------------------------------------------------------------------------------------

export function homeBlocks(home: CoachingHome): Block[] {
  const blocks: Block[] = [];
  if (home.own) {
    blocks.push({ type: 'text', text: '**Your coaching requests**' });
    blocks.push(
      home.own.length
        ? { type: 'list', items: home.own.map(({ request, school }) => requestLine(request, school)) }
        : { type: 'context', text: 'None open. Ask a coach for help: /coaching request' },
    );
  }
  for (const { school, entries } of home.queues) {
    blocks.push({ type: 'text', text: `**Coaching queue — ${esc(school.name)}**` });
    blocks.push(
      entries.length
        ? { type: 'list', items: entries.slice(0, HOME_QUEUE_SHOWN).map(({ request, teacher }) => requestLine(request, school, teacher)) }
        : { type: 'context', text: 'No open requests.' },
    );
  }
  return blocks;
}

// ---- office hours -------------------------------------------------------------------------------------

export function hoursMessage(op: 'show' | 'clear' | 'set', slots: OfficeHour[], zones: string): Message {
  const head = op === 'show' ? 'Your office hours' : op === 'clear' ? 'Office hours cleared' : 'Office hours saved';
  if (slots.length === 0) {
    return textMessage(`${head}: none set. Set them with /coaching hours tue 10:00-11:00, thu 13:00-13:45.`);
  }
  return {
    text: `${head} (${zones}): ${slots.map(slotLabel).join(', ')}`,
    blocks: [
      { type: 'text', text: `**${esc(head)}** (${esc(zones)})` },
      { type: 'list', items: slots.map((h) => esc(slotLabel(h))) },
      { type: 'context', text: 'Teachers see these as choices when they ask for help. Replace: /coaching hours <slots> · clear: /coaching hours clear' },
    ],
  };
}

// ---- forget-me ----------------------------------------------------------------------------------------

/** The confirmation before erasing: what goes, and the two buttons (their value is the person's own id). */
export function forgetConfirmation(plan: ForgetPlan, userId: number): Message {
  const requests = `${plan.requests === 1 ? 'your 1 coaching request' : `your ${plan.requests} coaching requests`} with their conversations and your "was it helpful?" answers`;
  if (plan.staysAs.length > 0) {
    const stays = plan.staysAs.join(', ');
    if (plan.requests === 0 && plan.teacherAt === 0) {
      return textMessage(
        `Touchpoint holds nothing about you as a teacher: no coaching requests, no teacher membership. Your role as ${stays} keeps your name on the touch-points, agendas and escalations it needs; when the role ends, run /coaching forget-me to erase the rest.`,
      );
    }
    return {
      text: `Erase what Touchpoint holds about you as a teacher? This cannot be undone: ${requests}; your teacher memberships. What stays: your role as ${stays}.`,
      blocks: [
        { type: 'header', text: 'Erase your teacher data?' },
        { type: 'text', text: 'This cannot be undone. Touchpoint will erase:' },
        { type: 'list', items: [requests, 'your teacher memberships'].map(esc) },
        {
          type: 'text',
          text: esc(
            `What stays: your role as ${stays}, with the touch-points, agendas and escalations that role keeps under your name. When the role ends, run /coaching forget-me again to erase the rest.`,
          ),
        },
        { type: 'context', text: 'Coaches working on an open request are told it was withdrawn, nothing more.' },
        {
          type: 'actions',
          buttons: [
            { actionId: ACTIONS.forget, label: 'Erase my teacher data', value: String(userId), style: 'danger' },
            { actionId: ACTIONS.keep, label: 'Keep my data', value: String(userId) },
          ],
        },
      ],
    };
  }
  const what = [requests, 'your school memberships', 'your name and handle (anything that names you says "a teacher")', 'messages waiting to be sent to you'];
  return {
    text: `Erase everything Touchpoint holds about you? This cannot be undone: ${what.join('; ')}.`,
    blocks: [
      { type: 'header', text: 'Erase everything about you?' },
      { type: 'text', text: 'This cannot be undone. Touchpoint will erase:' },
      { type: 'list', items: what.map(esc) },
      { type: 'context', text: 'Coaches working on an open request are told it was withdrawn, nothing more.' },
      {
        type: 'actions',
        buttons: [
          { actionId: ACTIONS.forget, label: 'Erase everything', value: String(userId), style: 'danger' },
          { actionId: ACTIONS.keep, label: 'Keep my data', value: String(userId) },
        ],
      },
    ],
  };
}

export function forgottenReply(outcome: ForgetOutcome): Message {
  const requests = outcome.requests === 1 ? '1 coaching request' : `${outcome.requests} coaching requests`;
  if (outcome.staysAs.length > 0) {
    return textMessage(
      `Done. Touchpoint erased ${requests} and your teacher memberships. What stays: your role as ${outcome.staysAs.join(', ')}, and the records it keeps under your name. When the role ends, run /coaching forget-me again to erase the rest.`,
      { type: 'context', text: 'Messages already delivered to your chat app stay in its history; delete them there if you wish.' },
    );
  }
  return textMessage(`Done. Touchpoint erased ${requests}, your memberships and your name. If you use Touchpoint again, you start afresh.`, {
    type: 'context',
    text: 'Messages already delivered to your chat app stay in its history; delete them there if you wish.',
  });
}

export const keptReply = (): Message => textMessage('Kept. Nothing was erased.');
