/**
 * The forms of a coaching request: the teacher's request form, and the forms the answer buttons
 * open (accept and propose a time, ask a question, decline kindly, the teacher's reply). Only the
 * teacher and the school's coaches ever get them.
 */
import type { School, User } from '../../core/model';
import { escapeMarkup as esc, type FormInput, type Message } from '../../messages/model';
import { FORMATS, TOPICS, type CoachingRequest, type Format, type Topic } from '../../core/ports';
import { FORMAT_LABELS, TOPIC_LABELS } from './labels';

/** Form ids of the button-opened forms (`<id>:<request id>`). */
export const FORMS = { accept: 'coaching.accept', ask: 'coaching.ask', decline: 'coaching.decline', reply: 'coaching.reply' } as const;

export interface RequestPrefill {
  topic?: Topic;
  details?: string;
  format?: Format;
  times?: string;
  share?: boolean;
  school?: number;
}

/** The request form; a school choice only when the teacher has to pick theirs. */
export function requestForm(schools: School[], slotChoices: { value: string; label: string }[], prefill: RequestPrefill = {}): Message {
  const inputs: FormInput[] = [];
  if (schools.length > 1) {
    inputs.push({
      id: 'school',
      label: 'Your school',
      kind: 'choice',
      required: true,
      choices: schools.map((s) => ({ value: String(s.id), label: s.name })),
      ...(prefill.school ? { initial: String(prefill.school) } : {}),
      hint: 'Sending the request makes you a teacher of this school on Touchpoint.',
    });
  }
  inputs.push(
    {
      id: 'topic',
      label: 'Topic',
      kind: 'choice',
      required: true,
      choices: TOPICS.map((t) => ({ value: t, label: TOPIC_LABELS[t] })),
      ...(prefill.topic ? { initial: prefill.topic } : {}),
    },
    {
      id: 'details',
      label: 'What would you like help with?',
      kind: 'longtext',
      required: true,
      placeholder: 'Transitions after lunch take 15 minutes…',
      ...(prefill.details ? { initial: prefill.details } : {}),
    },
    {
      id: 'format',
      label: 'Preferred format',
      kind: 'choice',
      required: false,
      choices: FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] })),
      ...(prefill.format ? { initial: prefill.format } : {}),
    },
  );
  if (slotChoices.length > 0) inputs.push({ id: 'slot', label: 'A coach’s office hours', kind: 'choice', required: false, choices: slotChoices });
  inputs.push(
    {
      id: 'times',
      label: 'Preferred times',
      kind: 'text',
      required: false,
      placeholder: 'Tuesdays after 14:00',
      ...(prefill.times ? { initial: prefill.times } : {}),
    },
    {
      id: 'share',
      label: 'Share with my principal',
      kind: 'checkbox',
      required: false,
      initial: prefill.share ? 'true' : 'false',
      hint: 'Off: your principal only sees it in a monthly count by topic, once the month is over (under 3 shows as "fewer than 3"). On: topic, your name, status and dates.',
    },
  );
  return {
    text: 'Ask a coach for help. Only you and your school’s coaches see what you write.',
    blocks: [
      { type: 'form', formId: 'coaching.request', title: 'Ask a coach for help', submitLabel: 'Review', inputs },
      { type: 'context', text: 'Only you and your school’s coaches see what you write. You will see exactly what your principal sees before it is sent.' },
    ],
  };
}

function textForm(formId: string, title: string, submitLabel: string, input: FormInput, intro: string): Message {
  return {
    text: intro,
    blocks: [
      { type: 'text', text: esc(intro) },
      { type: 'form', formId, title, submitLabel, inputs: [input] },
    ],
  };
}

export function acceptForm(r: CoachingRequest, teacher: User): Message {
  return {
    text: `Accept request #${r.id} from ${teacher.displayName} and propose a time.`,
    blocks: [
      { type: 'text', text: `Accept request #${r.id} from **${esc(teacher.displayName)}** (${esc(TOPIC_LABELS[r.topic])}) and propose a time.` },
      {
        type: 'form',
        formId: `${FORMS.accept}:${r.id}`,
        title: 'Accept and propose a time',
        submitLabel: 'Send',
        inputs: [
          {
            id: 'when',
            label: 'Proposed time, in your words',
            kind: 'text',
            required: false,
            placeholder: 'Tue 1 Dec, 10:00, room 12',
            ...(r.preferredTimes ? { hint: `They prefer: ${r.preferredTimes}` } : {}),
          },
          { id: 'date', label: 'Session date', kind: 'date', required: false, hint: 'If you give one, you are asked to mark it done afterwards.' },
          {
            id: 'time',
            label: 'Start time',
            kind: 'text',
            required: false,
            placeholder: '10:00',
            hint: `With the date, ${teacher.displayName} can confirm it or suggest another time; a confirmed session is in both your calendars.`,
          },
          { id: 'note', label: 'A note', kind: 'longtext', required: false },
        ],
      },
    ],
  };
}

export function askForm(r: CoachingRequest, teacher: User): Message {
  return textForm(
    `${FORMS.ask}:${r.id}`,
    'Ask a question',
    'Send',
    { id: 'question', label: 'Your question', kind: 'longtext', required: true },
    `Ask ${teacher.displayName} a question about request #${r.id} (${TOPIC_LABELS[r.topic]}).`,
  );
}

export function declineForm(r: CoachingRequest, teacher: User): Message {
  return textForm(
    `${FORMS.decline}:${r.id}`,
    'Decline kindly',
    'Send',
    { id: 'note', label: 'A note', kind: 'longtext', required: false, hint: 'e.g. a referral to a colleague or a resource' },
    `Decline request #${r.id} from ${teacher.displayName} (${TOPIC_LABELS[r.topic]}), kindly.`,
  );
}

/** The teacher's reply to their coach's question. */
export function replyForm(r: CoachingRequest, coach: User): Message {
  return textForm(
    `${FORMS.reply}:${r.id}`,
    'Reply to your coach',
    'Send',
    { id: 'text', label: 'Your reply', kind: 'longtext', required: true },
    `Reply to ${coach.displayName} about request #${r.id} (${TOPIC_LABELS[r.topic]}).`,
  );
}
