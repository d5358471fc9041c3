/**
 * `/coaching`: teachers ask a coach for help, by their own choice and in confidence (DESIGN.md §1
 * rules 3 and 4); coaches answer from their queue. Nothing here is ever sent or shown to a
 * principal: leaders get the aggregate through `coachingDemandBlocks` (service.ts) only.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import { tokenize } from '../../core/registry';
import type { Reply, RequestContext, Services } from '../../core/context';
import type { School, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import {
  canActAsRequester, canAnswerRequest, canCoach, canRequestCoaching, canSeeRequest, hasRole,
} from '../../core/policy';
import { formatLocalDate, minutesOfDay, parseLocalTime, parseWeekday, todayIn, type LocalDate } from '../../core/datetime';
import { noExtra, word, zDate, zFlag } from '../../core/args';
import { escapeMarkup as esc, type Block, type Button, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { FORMATS, HELPFUL, LIVE_STATUSES, type CoachingRequest, type Format, type Helpful, type OfficeHour, type Topic } from '../../core/ports';
import {
  ANSWER_MAX, DETAILS_MAX, FORGOTTEN_NAME, FORMAT_LABELS, HELPFUL_LABELS, STATUS_LABELS, TIMES_MAX, TOPIC_HINT, TOPIC_LABELS, topicOf,
  coachesFor, coachesToTell, coachingExportSection, dayOf, loadRequest, officeHourChoices, parseRequestId, requestSchools, slotLabel,
} from './service';
import {
  ACTIONS, FORMS, acceptForm, acceptedMessage, coachButtons, coachRequestMessage, confirmation, declinedMessage, helpfulQuestion,
  questionMessage, receipt, replyToCoachMessage, requestForm, requestLine, textForm, type RequestPrefill,
} from './messages';
import { COACHING_KINDS, composeCoachingReminder, planCoachingReminders, planNudges, planSessionFollowUp, requestKey } from './reminders';

const ok = textMessage;
const reply = (...messages: Message[]): Reply => ({ messages });

function schoolOf(ctx: RequestContext, r: CoachingRequest): School {
  return ctx.services.people.schoolById(ctx.actor.tenant.id, r.schoolId)!;
}
function userOf(ctx: RequestContext, id: number): User | undefined {
  return ctx.services.people.userById(ctx.actor.tenant.id, id);
}
const teacherOf = (ctx: RequestContext, r: CoachingRequest): User => userOf(ctx, r.teacherId) ?? { id: r.teacherId, tenantId: ctx.actor.tenant.id, externalId: '', displayName: 'a teacher', handle: null };

/** Schools where the actor coaches; none → the one clear refusal. */
function coachSchools(ctx: RequestContext): School[] {
  const schools = [...new Set(ctx.actor.memberships.filter((m) => m.role === 'coach').map((m) => m.schoolId))]
    .map((id) => ctx.services.people.schoolById(ctx.actor.tenant.id, id))
    .filter((s): s is School => s !== undefined && canCoach(ctx.actor, s).allowed);
  if (schools.length === 0) throw new Refusal('Only coaches have a coaching queue and office hours. Your own requests: /coaching status.');
  return schools;
}

// ---- request --------------------------------------------------------------------------------------

interface RequestArgs { topic: Topic; details: string; format?: Format; slot?: string; times?: string; share: boolean; school?: number }

const zTopic = z.string({ error: `say the topic (${TOPIC_HINT})` }).transform((s, c): Topic => {
  const t = topicOf(s);
  if (!t) {
    c.addIssue({ code: 'custom', message: `"${s}" is not a topic (${TOPIC_HINT})` });
    return z.NEVER;
  }
  return t;
});

/** Prefill for the form from what was typed (`request engagement` opens the form with the topic chosen). */
function prefillFromInvocation(ctx: RequestContext): RequestPrefill {
  const words = tokenize(ctx.invocation?.text ?? '');
  const rest = words[0]?.toLowerCase() === 'request' ? words.slice(1) : words;
  const topic = rest[0] ? topicOf(rest[0]) : undefined;
  return topic ? { topic, ...(rest.length > 1 ? { details: rest.slice(1).join(' ') } : {}) } : {};
}

function formFor(ctx: RequestContext, prefill: RequestPrefill): Message {
  const { schools } = requestSchools(ctx);
  if (schools.length === 1 && coachesFor(ctx.services, ctx.actor.tenant.id, schools[0], ctx.actor.user.id).length === 0) throw new Refusal(noCoach(schools[0]));
  return requestForm(schools, officeHourChoices(ctx.services, ctx.actor.tenant.id, schools, ctx.actor.user.id), prefill);
}

const noCoach = (school: School): string => `${school.name} has no instructional coach on Touchpoint yet, so there is no one to send a request to. Nothing was saved.`;

const request: CommandSpec<RequestArgs> = {
  root: 'coaching', name: 'request',
  usage: 'request [topic] [details]',
  describe: 'ask a coach for help (only you and the coaches see it)',
  example: 'request classroom-management transitions after lunch',
  schema: () => z.object({
    topic: zTopic,
    details: word('say what you would like help with').pipe(z.string().max(DETAILS_MAX, { error: `what you would like help with must be at most ${DETAILS_MAX} characters` })),
    format: z.enum(FORMATS, { error: (iss) => `"${String(iss.input)}" is not a format (${FORMATS.join(', ')})` }).optional(),
    slot: z.string().trim().max(300, { error: 'that office-hour slot is not one of the choices' }).optional(),
    times: z.string().trim().max(TIMES_MAX, { error: `preferred times must be at most ${TIMES_MAX} characters` }).optional(),
    share: zFlag,
    school: z.string().optional().transform((s, c): number | undefined => {
      if (s === undefined) return undefined;
      const n = parseRequestId(s);
      if (n === undefined) {
        c.addIssue({ code: 'custom', message: 'pick your school from the list' });
        return z.NEVER;
      }
      return n;
    }),
  }),
  fromWords(words) {
    if (words.length === 0) return null;
    // A topic alone opens the form with it chosen; anything else is read as `<topic> <details>`.
    if (words.length === 1 && topicOf(words[0])) return null;
    return { topic: words[0], details: words.slice(1).join(' ') || undefined };
  },
  form: (ctx) => formFor(ctx, prefillFromInvocation(ctx)),
  handle(ctx, args) {
    const tenantId = ctx.actor.tenant.id;
    const { schools } = requestSchools(ctx);
    const prefill: RequestPrefill = { topic: args.topic, details: args.details, format: args.format, times: args.times, share: args.share };
    let school: School | undefined = schools.length === 1 ? schools[0] : undefined;
    if (args.school !== undefined) {
      school = schools.find((s) => s.id === args.school);
      if (!school) throw new UsageError('pick your school from the list', 'school');
    }
    // Several schools and none picked yet: the form offers the choice, keeping what was typed.
    if (!school) return reply(formFor(ctx, prefill));
    const decision = canRequestCoaching(ctx.actor, school);
    if (!decision.allowed) throw new Refusal(decision.reason);
    const coaches = coachesFor(ctx.services, tenantId, school, ctx.actor.user.id);
    if (coaches.length === 0) throw new Refusal(noCoach(school));
    if (args.slot && !officeHourChoices(ctx.services, tenantId, [school], ctx.actor.user.id).some((c) => c.value === args.slot)) {
      throw new UsageError('that office-hour slot is no longer offered: pick another or type a time', 'slot');
    }
    const preferredTimes = [args.slot, args.times].filter((t): t is string => Boolean(t)).join('; ') || null;
    const draft = ctx.services.coaching.createDraft(tenantId, {
      schoolId: school.id, teacherId: ctx.actor.user.id, topic: args.topic, details: args.details, format: args.format ?? null, preferredTimes, shared: args.share,
    }, ctx.now);
    return reply(confirmation(draft, ctx.actor.user, school, coaches, !hasRole(ctx.actor, school.id, 'teacher'), ctx.now));
  },
};

function loadDraft(ctx: RequestContext, value: string): { draft: CoachingRequest; school: School } {
  const { request: draft, school } = loadRequest(ctx, value, canActAsRequester);
  if (draft.status !== 'draft') throw new Refusal(`Request #${draft.id} was already sent: /coaching status shows where it stands.`);
  return { draft, school };
}

function send(ctx: RequestContext, value: string): Reply {
  const tenantId = ctx.actor.tenant.id;
  const { draft, school } = loadDraft(ctx, value);
  // Re-checked at sending: roles may have changed since the form was opened.
  const { schools } = requestSchools(ctx);
  if (!schools.some((s) => s.id === school.id)) throw new Refusal('You can no longer ask at that school. Start again with /coaching request.');
  const decision = canRequestCoaching(ctx.actor, school);
  if (!decision.allowed) throw new Refusal(decision.reason);
  const coaches = coachesFor(ctx.services, tenantId, school, ctx.actor.user.id);
  if (coaches.length === 0) throw new Refusal(noCoach(school));
  // Joining is the teacher's own act: asking for coaching is what makes them a teacher of the school.
  const joined = !hasRole(ctx.actor, school.id, 'teacher') && ctx.services.people.addMembership(tenantId, school.id, ctx.actor.user.id, 'teacher', ctx.now);
  const sent = ctx.services.coaching.submit(tenantId, draft.id, ctx.now);
  const teacher = ctx.actor.user;
  for (const coach of coaches) {
    ctx.notify(coach, 'coaching.request', coachRequestMessage(sent, teacher, school), `${requestKey(sent.id)}new:u${coach.id}`);
  }
  ctx.notify(teacher, 'coaching.receipt', receipt(sent, teacher, school, coaches, ctx.now), `${requestKey(sent.id)}receipt`);
  planNudges(ctx.services, tenantId, sent, school, ctx.now);
  const lines = [`Sent: request #${sent.id} went to the coaches of ${school.name}. A receipt is in your messages.`];
  if (joined) lines.push(`You have joined ${school.name} as a teacher on Touchpoint.`);
  return reply(ok(lines.join(' '), { type: 'context', text: esc(`Withdraw it any time: /coaching withdraw ${sent.id}`) }));
}

function toggleShare(ctx: RequestContext, value: string): Reply {
  const [id, to] = value.split(':');
  if (to !== 'on' && to !== 'off') throw new Refusal('That button is out of date. Type the command again.');
  const { draft, school } = loadDraft(ctx, id);
  ctx.services.coaching.setShared(ctx.actor.tenant.id, draft.id, to === 'on', ctx.now);
  const updated = ctx.services.coaching.byId(ctx.actor.tenant.id, draft.id)!;
  return reply(confirmation(updated, ctx.actor.user, school, coachesFor(ctx.services, ctx.actor.tenant.id, school, ctx.actor.user.id), !hasRole(ctx.actor, school.id, 'teacher'), ctx.now));
}

function editDraft(ctx: RequestContext, value: string): Reply {
  const { draft } = loadDraft(ctx, value);
  return reply(formFor(ctx, {
    topic: draft.topic, details: draft.details, format: draft.format ?? undefined, times: draft.preferredTimes ?? undefined, share: draft.shared, school: draft.schoolId,
  }));
}

function discardDraft(ctx: RequestContext, value: string): Reply {
  const { draft } = loadDraft(ctx, value);
  ctx.services.coaching.deleteDraft(ctx.actor.tenant.id, draft.id);
  return reply(ok('Cancelled. Nothing was sent, and the draft is gone.'));
}

// ---- the coach's answers ----------------------------------------------------------------------------

/** A request the actor may answer now: a coach of the school, while it is open or being talked through. */
function answerable(ctx: RequestContext, value: string): { request: CoachingRequest; school: School; teacher: User } {
  const { request: r, school } = loadRequest(ctx, value, canAnswerRequest);
  if (r.status !== 'open' && r.status !== 'in_progress') throw new Refusal(`Request #${r.id} is ${STATUS_LABELS[r.status]}: there is nothing to answer.`);
  return { request: r, school, teacher: teacherOf(ctx, r) };
}

const zAnswer = (missing: string) => word(missing).pipe(z.string().max(ANSWER_MAX, { error: `at most ${ANSWER_MAX} characters, please` }));
const zOptionalAnswer = z.string().trim().max(ANSWER_MAX, { error: `at most ${ANSWER_MAX} characters, please` }).optional();

interface AcceptArgs { when: string; date?: LocalDate; note?: string }
const acceptFormSpec: FormSpec<AcceptArgs> = {
  formId: FORMS.accept,
  schema: (pctx) => z.object({
    when: word('say the time you propose').pipe(z.string().max(TIMES_MAX, { error: `the proposed time must be at most ${TIMES_MAX} characters` })),
    date: zDate(pctx.today).optional(),
    note: zOptionalAnswer,
  }),
  handle(ctx, args, param) {
    const { request: r, school, teacher } = answerable(ctx, param);
    if (args.date && args.date < todayIn(ctx.now, school.timeZone)) throw new UsageError('the session date is in the past', 'date');
    const tenantId = ctx.actor.tenant.id;
    const updated = ctx.services.coaching.answer(tenantId, r.id, { status: 'accepted', coachId: ctx.actor.user.id, proposedTime: args.when, sessionDate: args.date ?? null }, ctx.now);
    const msg = ctx.services.coaching.addMessage(tenantId, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'accept', text: [args.when, args.note].filter(Boolean).join('\n') }, ctx.now);
    ctx.notify(teacher, 'coaching.accepted', acceptedMessage(updated, ctx.actor.user, args.when, args.date ?? null, args.note ?? null), `${requestKey(r.id)}m${msg.id}`);
    planSessionFollowUp(ctx.services, tenantId, updated, school, ctx.now);
    return reply(ok(`Accepted request #${r.id}; ${teacher.displayName} has been told you propose: ${args.when}.`, {
      type: 'actions', buttons: [{ actionId: ACTIONS.done, label: 'Mark done', value: String(r.id) }],
    }, { type: 'context', text: 'Mark it done after the session: the teacher is then asked whether it was helpful (only you see the answer).' }));
  },
};

const askFormSpec: FormSpec<{ question: string }> = {
  formId: FORMS.ask,
  schema: () => z.object({ question: zAnswer('say your question') }),
  handle(ctx, args, param) {
    const { request: r, teacher } = answerable(ctx, param);
    const tenantId = ctx.actor.tenant.id;
    const updated = ctx.services.coaching.answer(tenantId, r.id, { status: 'in_progress', coachId: ctx.actor.user.id }, ctx.now);
    const msg = ctx.services.coaching.addMessage(tenantId, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'question', text: args.question }, ctx.now);
    ctx.notify(teacher, 'coaching.question', questionMessage(updated, ctx.actor.user, args.question), `${requestKey(r.id)}m${msg.id}`);
    return reply(ok(`Asked ${teacher.displayName} about request #${r.id}. Their reply will come to you.`));
  },
};

const declineFormSpec: FormSpec<{ note?: string }> = {
  formId: FORMS.decline,
  schema: () => z.object({ note: zOptionalAnswer }),
  handle(ctx, args, param) {
    const { request: r, teacher } = answerable(ctx, param);
    const tenantId = ctx.actor.tenant.id;
    const updated = ctx.services.coaching.answer(tenantId, r.id, { status: 'declined', coachId: ctx.actor.user.id }, ctx.now);
    const msg = ctx.services.coaching.addMessage(tenantId, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'decline', text: args.note ?? '' }, ctx.now);
    ctx.notify(teacher, 'coaching.declined', declinedMessage(updated, ctx.actor.user, args.note ?? null), `${requestKey(r.id)}m${msg.id}`);
    ctx.services.outbox.cancelPending(`${requestKey(r.id)}nudge:`);
    return reply(ok(`Declined request #${r.id}; ${teacher.displayName} has been told, kindly.`));
  },
};

/** The teacher answers a coach's question. */
const replyFormSpec: FormSpec<{ text: string }> = {
  formId: FORMS.reply,
  schema: () => z.object({ text: zAnswer('say your reply') }),
  handle(ctx, args, param) {
    const { request: r, coach } = awaitingReply(ctx, param);
    const msg = ctx.services.coaching.addMessage(ctx.actor.tenant.id, { requestId: r.id, authorId: ctx.actor.user.id, kind: 'reply', text: args.text }, ctx.now);
    ctx.notify(coach, 'coaching.reply', replyToCoachMessage(r, ctx.actor.user, args.text), `${requestKey(r.id)}m${msg.id}`);
    return reply(ok(`Sent your reply to ${coach.displayName}.`));
  },
};

/** A request of the actor's on which the coach's last word is a question. */
function awaitingReply(ctx: RequestContext, value: string): { request: CoachingRequest; coach: User } {
  const { request: r } = loadRequest(ctx, value, canActAsRequester);
  const last = ctx.services.coaching.messages(ctx.actor.tenant.id, r.id).at(-1);
  const coach = r.coachId !== null ? userOf(ctx, r.coachId) : undefined;
  if (r.status !== 'in_progress' || last?.kind !== 'question' || !coach) throw new Refusal(`There is no question waiting for your reply on request #${r.id}.`);
  return { request: r, coach };
}

function markDone(ctx: RequestContext, value: string): Reply {
  const { request: r, school } = loadRequest(ctx, value, canAnswerRequest);
  if (r.status !== 'accepted' || r.coachId !== ctx.actor.user.id) throw new Refusal(`Request #${r.id} is ${STATUS_LABELS[r.status]}: only an accepted request is marked done, by the coach who accepted it.`);
  if (r.sessionDate && todayIn(ctx.now, school.timeZone) < r.sessionDate) throw new Refusal(`The session is planned for ${formatLocalDate(r.sessionDate)}: mark it done after it.`);
  const tenantId = ctx.actor.tenant.id;
  const done = ctx.services.coaching.setStatus(tenantId, r.id, 'done', ctx.now);
  const teacher = teacherOf(ctx, r);
  ctx.notify(teacher, 'coaching.helpful', helpfulQuestion(done, ctx.actor.user), `${requestKey(r.id)}helpful?`);
  ctx.services.outbox.cancelPending(`${requestKey(r.id)}session:`);
  return reply(ok(`Marked request #${r.id} done. ${teacher.displayName} is asked whether it was helpful; only you will see the answer.`));
}

function answerHelpful(ctx: RequestContext, value: string): Reply {
  const [id, answer] = value.split(':');
  if (!(HELPFUL as readonly string[]).includes(answer)) throw new Refusal('That button is out of date.');
  const { request: r } = loadRequest(ctx, id, canActAsRequester);
  if (r.status !== 'done') throw new Refusal(`Request #${r.id} is not done yet.`);
  if (r.helpful) throw new Refusal(`You already answered: ${HELPFUL_LABELS[r.helpful]}.`);
  const helpful = answer as Helpful;
  ctx.services.coaching.setHelpful(ctx.actor.tenant.id, r.id, helpful, ctx.now);
  const coach = r.coachId !== null ? userOf(ctx, r.coachId) : undefined;
  if (coach) {
    ctx.notify(coach, 'coaching.feedback', ok(`Was it helpful? ${ctx.actor.user.displayName} answered "${HELPFUL_LABELS[helpful]}" about request #${r.id} (${TOPIC_LABELS[r.topic]}).`, {
      type: 'context', text: 'Only you see this answer.',
    }), `${requestKey(r.id)}helpful:u${coach.id}`);
  }
  return reply(ok(`Thank you. Your answer (${HELPFUL_LABELS[helpful]}) goes to ${coach?.displayName ?? 'your coach'} only.`));
}

// ---- status, withdraw --------------------------------------------------------------------------------

const status: CommandSpec<Record<string, never>> = {
  root: 'coaching', name: 'status',
  usage: 'status',
  describe: 'your requests and where they stand',
  example: 'status',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const tenantId = ctx.actor.tenant.id;
    const mine = ctx.services.coaching.ofTeacher(tenantId, ctx.actor.user.id)
      .filter((r) => canSeeRequest(ctx.actor, schoolOf(ctx, r), r).allowed);
    if (mine.length === 0) return reply(ok('You have no coaching requests. Ask a coach for help with /coaching request.'));
    const blocks: Block[] = [{ type: 'header', text: 'Your coaching requests' }];
    const lines: string[] = [];
    for (const r of mine) {
      const school = schoolOf(ctx, r);
      blocks.push({ type: 'text', text: requestLine(r, school) });
      const extra = [
        r.shared ? 'shared with your principal (topic, name, status, dates)' : 'not shared with your principal',
        ...(r.proposedTime && r.status === 'accepted' ? [`proposed: ${r.proposedTime}`] : []),
        ...(r.helpful ? [`your answer to "was it helpful?": ${HELPFUL_LABELS[r.helpful]}`] : []),
      ];
      blocks.push({ type: 'context', text: esc(extra.join(' · ')) });
      const buttons: Button[] = [];
      const last = ctx.services.coaching.messages(tenantId, r.id).at(-1);
      if (r.status === 'in_progress' && last?.kind === 'question') buttons.push({ actionId: ACTIONS.reply, label: `Reply on #${r.id}`, value: String(r.id), style: 'primary' });
      if (LIVE_STATUSES.includes(r.status)) buttons.push({ actionId: ACTIONS.withdraw, label: `Withdraw #${r.id}`, value: String(r.id) });
      if (buttons.length) blocks.push({ type: 'actions', buttons });
      lines.push(`#${r.id} ${TOPIC_LABELS[r.topic]} — ${STATUS_LABELS[r.status]} — sent ${dayOf(r.submittedAt ?? r.createdAt, school)}`);
    }
    blocks.push({ type: 'context', text: 'Withdraw: /coaching withdraw <id> · erase everything about you: /coaching forget-me' });
    return reply({ text: `Your coaching requests:\n${lines.join('\n')}`, blocks });
  },
};

function withdraw(ctx: RequestContext, value: string): Reply {
  const { request: r, school } = loadRequest(ctx, value, canActAsRequester);
  if (r.status === 'draft') throw new Refusal(`Request #${r.id} was never sent.`);
  if (!LIVE_STATUSES.includes(r.status)) throw new Refusal(`Request #${r.id} is already ${STATUS_LABELS[r.status]}.`);
  const tenantId = ctx.actor.tenant.id;
  const tell = coachesToTell(ctx.services, tenantId, school, r);
  ctx.services.coaching.setStatus(tenantId, r.id, 'withdrawn', ctx.now);
  ctx.services.outbox.cancelPending(requestKey(r.id));
  // The coach is told it was withdrawn, and nothing more.
  for (const coach of tell) ctx.notify(coach, 'coaching.withdrawn', ok(`Coaching request #${r.id} was withdrawn. Nothing more is needed from you.`), `${requestKey(r.id)}withdrawn:u${coach.id}`);
  return reply(ok(`Withdrew request #${r.id}. The coach has been told it was withdrawn, nothing more.`));
}

const withdrawCommand: CommandSpec<{ id: string }> = {
  root: 'coaching', name: 'withdraw',
  usage: 'withdraw <id>',
  describe: 'withdraw one of your requests',
  example: 'withdraw 12',
  schema: () => z.object({
    id: word('say which request, like: withdraw 12 (/coaching status lists them)').refine((s) => parseRequestId(s) !== undefined, { error: (iss) => `"${String(iss.input)}" is not a request number (like 12)` }),
    extra: noExtra,
  }),
  fromWords: (words) => ({ id: words[0], extra: words[1] }),
  handle: (ctx, args) => withdraw(ctx, args.id),
};

// ---- forget-me ----------------------------------------------------------------------------------------

/** Roles whose records (touch-points, agendas, escalations raised) need the person's name. */
function staffRole(ctx: RequestContext): string | undefined {
  const m = ctx.actor.memberships.find((x) => x.role !== 'teacher');
  if (!m) return undefined;
  const school = ctx.services.people.schoolById(ctx.actor.tenant.id, m.schoolId);
  return `${m.role.replace('_', ' ')} at ${school?.name ?? 'a school'}`;
}

const forgetMe: CommandSpec<Record<string, never>> = {
  root: 'coaching', name: 'forget-me',
  usage: 'forget-me',
  describe: 'erase everything Touchpoint holds about you',
  example: 'forget-me',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const role = staffRole(ctx);
    if (role) throw new Refusal(`You are also ${role}: touch-points and agendas need that role’s name. Ask your principal or admin to remove the role first, then run /coaching forget-me again.`);
    const count = ctx.services.coaching.ofTeacher(ctx.actor.tenant.id, ctx.actor.user.id).length;
    const what = [
      `${count === 1 ? 'your 1 coaching request' : `your ${count} coaching requests`} with their conversations and your "was it helpful?" answers`,
      'your school memberships',
      'your name and handle (anything that names you says "a teacher")',
      'messages waiting to be sent to you',
    ];
    return reply({
      text: `Erase everything Touchpoint holds about you? This cannot be undone: ${what.join('; ')}.`,
      blocks: [
        { type: 'header', text: 'Erase everything about you?' },
        { type: 'text', text: 'This cannot be undone. Touchpoint will erase:' },
        { type: 'list', items: what.map(esc) },
        { type: 'context', text: 'Coaches working on an open request are told it was withdrawn, nothing more.' },
        { type: 'actions', buttons: [
          { actionId: ACTIONS.forget, label: 'Erase everything', value: String(ctx.actor.user.id), style: 'danger' },
          { actionId: ACTIONS.keep, label: 'Keep my data', value: String(ctx.actor.user.id) },
        ] },
      ],
    });
  },
};

function confirmForget(ctx: RequestContext, value: string): Reply {
  if (Number(value) !== ctx.actor.user.id) throw new Refusal('That button is not yours.');
  const role = staffRole(ctx);
  if (role) throw new Refusal(`You are also ${role}: ask your principal or admin to remove the role first.`);
  const tenantId = ctx.actor.tenant.id;
  const userId = ctx.actor.user.id;
  for (const r of ctx.services.coaching.ofTeacher(tenantId, userId).filter((x) => LIVE_STATUSES.includes(x.status))) {
    for (const coach of coachesToTell(ctx.services, tenantId, schoolOf(ctx, r), r)) {
      // Not under the request's key prefix: the erasure removes those rows, and this one says nothing about the teacher.
      ctx.notify(coach, 'coaching.withdrawn', ok(`Coaching request #${r.id} was withdrawn. Nothing more is needed from you.`), `coaching:gone:r${r.id}:u${coach.id}`);
    }
  }
  const report = ctx.services.coaching.forgetUser(tenantId, userId, FORGOTTEN_NAME);
  // Other features drop what they hold about the person in this same transaction.
  ctx.emit('user.forgotten', { userId });
  // What happened is kept, not who it was.
  ctx.services.audit.audit({ tenantId, schoolId: null, actorId: null, action: 'user.forget', subjectType: 'user', subjectId: null }, ctx.now);
  return reply(ok(
    `Done. Touchpoint erased ${report.requests === 1 ? '1 coaching request' : `${report.requests} coaching requests`}, your memberships and your name. If you use Touchpoint again, you start afresh.`,
    { type: 'context', text: 'Messages already delivered to your chat app stay in its history; delete them there if you wish.' },
  ));
}

// ---- queue, hours -------------------------------------------------------------------------------------

const QUEUE_SHOWN = 20;
const DETAILS_SHOWN = 300;

/** The live requests of a school the actor may see as its coach, oldest first, without their own. */
function queueOf(ctx: RequestContext, school: School): CoachingRequest[] {
  return ctx.services.coaching.liveOfSchool(ctx.actor.tenant.id, school.id)
    .filter((r) => r.teacherId !== ctx.actor.user.id && canSeeRequest(ctx.actor, school, r).allowed);
}

const queue: CommandSpec<Record<string, never>> = {
  root: 'coaching', name: 'queue',
  usage: 'queue',
  describe: 'open coaching requests, oldest first (coaches)',
  example: 'queue',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const blocks: Block[] = [];
    const lines: string[] = [];
    for (const school of coachSchools(ctx)) {
      const live = queueOf(ctx, school);
      blocks.push({ type: 'header', text: `Coaching queue — ${esc(school.name)}` });
      lines.push(`Coaching queue — ${school.name}: ${live.length === 0 ? 'no open requests' : `${live.length} open`}`);
      if (live.length === 0) blocks.push({ type: 'context', text: 'No open requests.' });
      for (const r of live.slice(0, QUEUE_SHOWN)) {
        const teacher = teacherOf(ctx, r);
        blocks.push({ type: 'text', text: requestLine(r, school, teacher) });
        blocks.push({ type: 'text', text: esc(r.details.length > DETAILS_SHOWN ? `${r.details.slice(0, DETAILS_SHOWN - 1)}…` : r.details) });
        blocks.push({ type: 'context', text: esc(`Format: ${r.format ? FORMAT_LABELS[r.format] : '—'} · preferred times: ${r.preferredTimes ?? '—'}${r.proposedTime ? ` · proposed: ${r.proposedTime}` : ''}`) });
        if (canAnswerRequest(ctx.actor, school, r).allowed) {
          if (r.status === 'accepted') blocks.push({ type: 'actions', buttons: [{ actionId: ACTIONS.done, label: `Mark #${r.id} done`, value: String(r.id) }] });
          else blocks.push({ type: 'actions', buttons: coachButtons(r.id) });
        }
        lines.push(`#${r.id} ${TOPIC_LABELS[r.topic]} — ${teacher.displayName} — ${STATUS_LABELS[r.status]}: ${r.details}`);
      }
      if (live.length > QUEUE_SHOWN) blocks.push({ type: 'context', text: `And ${live.length - QUEUE_SHOWN} more.` });
    }
    blocks.push({ type: 'context', text: 'Confidential: only the teachers and the school’s coaches see these requests.' });
    return reply({ text: lines.join('\n'), blocks });
  },
};

const MAX_SLOTS = 10;

/** `tue 10:00-11:00, thu 13:00-13:45` → slots on school days, each ending after it starts, none overlapping. */
export function parseSlots(text: string): { ok: true; value: OfficeHour[] } | { ok: false; error: string } {
  const parts = text.split(/[,;]/).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return { ok: false, error: 'say the slots, like: hours tue 10:00-11:00, thu 13:00-13:45' };
  if (parts.length > MAX_SLOTS) return { ok: false, error: `at most ${MAX_SLOTS} office-hour slots, please` };
  const slots: OfficeHour[] = [];
  for (const part of parts) {
    const m = /^(\S+)\s+(\S+?)\s*[-–]\s*(\S+)$/.exec(part);
    if (!m) return { ok: false, error: `"${part}" is not a slot (like tue 10:00-11:00)` };
    const day = parseWeekday(m[1]);
    if (!day.ok) return { ok: false, error: day.error };
    if (day.value > 5) return { ok: false, error: `"${part}": office hours are on school days (mon to fri)` };
    const start = parseLocalTime(m[2]);
    if (!start.ok) return { ok: false, error: start.error };
    const end = parseLocalTime(m[3]);
    if (!end.ok) return { ok: false, error: end.error };
    if (minutesOfDay(end.value) <= minutesOfDay(start.value)) return { ok: false, error: `"${part}": the slot must end after it starts` };
    const slot: OfficeHour = { weekday: day.value, start: start.value, end: end.value };
    const clash = slots.find((s) => s.weekday === slot.weekday && s.start < slot.end && slot.start < s.end);
    if (clash) return { ok: false, error: `"${part}" overlaps ${slotLabel(clash)}` };
    slots.push(slot);
  }
  return { ok: true, value: slots.sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start)) };
}

interface HoursArgs { op: 'show' | 'clear' | 'set'; slots: OfficeHour[] }
const hours: CommandSpec<HoursArgs> = {
  root: 'coaching', name: 'hours',
  usage: 'hours <slots>',
  describe: 'set your office hours (coaches)',
  example: 'hours tue 10:00-11:00, thu 13:00-13:45',
  schema: () => z.object({
    op: z.enum(['show', 'clear', 'set']),
    slots: z.string().optional().transform((s, c): OfficeHour[] => {
      if (s === undefined) return [];
      const parsed = parseSlots(s);
      if (!parsed.ok) {
        c.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.value;
    }),
  }),
  fromWords(words) {
    if (words.length === 0) return { op: 'show' };
    if (words.length === 1 && words[0].toLowerCase() === 'clear') return { op: 'clear' };
    return { op: 'set', slots: words.join(' ') };
  },
  handle(ctx, args) {
    const schools = coachSchools(ctx);
    const tenantId = ctx.actor.tenant.id;
    if (args.op === 'set') ctx.services.coaching.setOfficeHours(tenantId, ctx.actor.user.id, args.slots);
    if (args.op === 'clear') ctx.services.coaching.setOfficeHours(tenantId, ctx.actor.user.id, []);
    const current = ctx.services.coaching.officeHours(tenantId, ctx.actor.user.id);
    const zones = [...new Set(schools.map((s) => s.timeZone))].join(', ');
    const head = args.op === 'show' ? 'Your office hours' : args.op === 'clear' ? 'Office hours cleared' : 'Office hours saved';
    if (current.length === 0) {
      return reply(ok(`${head}: none set. Set them with /coaching hours tue 10:00-11:00, thu 13:00-13:45.`));
    }
    return reply({
      text: `${head} (${zones}): ${current.map(slotLabel).join(', ')}`,
      blocks: [
        { type: 'text', text: `**${esc(head)}** (${esc(zones)})` },
        { type: 'list', items: current.map((h) => esc(slotLabel(h))) },
        { type: 'context', text: 'Teachers see these as choices when they ask for help. Replace: /coaching hours <slots> · clear: /coaching hours clear' },
      ],
    });
  },
};

// ---- home ---------------------------------------------------------------------------------------------

/** Home: a teacher's open requests and a coach's open queue, oldest first. Nothing for a principal as such. */
function coachingHome(ctx: RequestContext): Block[] {
  const tenantId = ctx.actor.tenant.id;
  const blocks: Block[] = [];
  const mine = ctx.services.coaching.ofTeacher(tenantId, ctx.actor.user.id)
    .filter((r) => LIVE_STATUSES.includes(r.status) && canSeeRequest(ctx.actor, schoolOf(ctx, r), r).allowed);
  if (mine.length > 0 || ctx.actor.memberships.some((m) => m.role === 'teacher')) {
    blocks.push({ type: 'text', text: '**Your coaching requests**' });
    blocks.push(mine.length
      ? { type: 'list', items: mine.map((r) => requestLine(r, schoolOf(ctx, r))) }
      : { type: 'context', text: 'None open. Ask a coach for help: /coaching request' });
  }
  const coaching = [...new Set(ctx.actor.memberships.filter((m) => m.role === 'coach').map((m) => m.schoolId))]
    .map((id) => ctx.services.people.schoolById(tenantId, id))
    .filter((s): s is School => s !== undefined && canCoach(ctx.actor, s).allowed);
  for (const school of coaching) {
    const live = queueOf(ctx, school);
    blocks.push({ type: 'text', text: `**Coaching queue — ${esc(school.name)}**` });
    blocks.push(live.length
      ? { type: 'list', items: live.slice(0, 10).map((r) => requestLine(r, school, teacherOf(ctx, r))) }
      : { type: 'context', text: 'No open requests.' });
  }
  return blocks;
}

// ---- registration -------------------------------------------------------------------------------------

export function registerCoaching(registry: CommandRegistry): void {
  // Registry order is the order of help and the manifests' usage hints.
  for (const spec of [request, status, withdrawCommand, forgetMe, queue, hours] as CommandSpec<never>[]) registry.command(spec as CommandSpec<unknown>);
  for (const form of [acceptFormSpec, askFormSpec, declineFormSpec, replyFormSpec] as FormSpec<never>[]) registry.form(form as FormSpec<unknown>);
  registry.action({ actionId: ACTIONS.send, handle: send });
  registry.action({ actionId: ACTIONS.share, handle: toggleShare });
  registry.action({ actionId: ACTIONS.edit, handle: editDraft });
  registry.action({ actionId: ACTIONS.discard, handle: discardDraft });
  registry.action({
    actionId: ACTIONS.accept,
    handle(ctx, v) {
      const { request: r, teacher } = answerable(ctx, v);
      return reply(acceptForm(r, teacher));
    },
  });
  registry.action({
    actionId: ACTIONS.ask,
    handle(ctx, v) {
      const { request: r, teacher } = answerable(ctx, v);
      return reply(textForm(`${FORMS.ask}:${r.id}`, 'Ask a question', 'Send', { id: 'question', label: 'Your question', kind: 'longtext', required: true },
        `Ask ${teacher.displayName} a question about request #${r.id} (${TOPIC_LABELS[r.topic]}).`));
    },
  });
  registry.action({
    actionId: ACTIONS.decline,
    handle(ctx, v) {
      const { request: r, teacher } = answerable(ctx, v);
      return reply(textForm(`${FORMS.decline}:${r.id}`, 'Decline kindly', 'Send', { id: 'note', label: 'A note', kind: 'longtext', required: false, hint: 'e.g. a referral to a colleague or a resource' },
        `Decline request #${r.id} from ${teacher.displayName} (${TOPIC_LABELS[r.topic]}), kindly.`));
    },
  });
  registry.action({
    actionId: ACTIONS.reply,
    handle(ctx, v) {
      const { request: r, coach } = awaitingReply(ctx, v);
      return reply(textForm(`${FORMS.reply}:${r.id}`, 'Reply to your coach', 'Send', { id: 'text', label: 'Your reply', kind: 'longtext', required: true },
        `Reply to ${coach.displayName} about request #${r.id} (${TOPIC_LABELS[r.topic]}).`));
    },
  });
  registry.action({ actionId: ACTIONS.done, handle: markDone });
  registry.action({ actionId: ACTIONS.helpful, handle: answerHelpful });
  registry.action({ actionId: ACTIONS.withdraw, handle: withdraw });
  registry.action({ actionId: ACTIONS.forget, handle: confirmForget });
  registry.action({ actionId: ACTIONS.keep, handle: () => reply(ok('Kept. Nothing was erased.')) });
  registry.homeSection(coachingHome);
  registry.planner(planCoachingReminders);
  for (const kind of Object.values(COACHING_KINDS)) registry.composer(kind, composeCoachingReminder);
  registry.retentionStep(retainCoaching);
  registry.exportSection(coachingExportSection);
}

/** Retention (a module-level function, so registering again in another core adds it once). */
function retainCoaching(services: Services, before: Date): number {
  return services.coaching.deleteClosedBefore(before);
}
