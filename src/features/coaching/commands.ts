/**
 * `/coaching`: teachers ask a coach for help, by their own choice and in confidence (DESIGN.md §1
 * rules 3 and 4); coaches answer from their queue. The specs here parse and hand over to the use
 * cases (requests.ts, service.ts, forget.ts). Nothing here is ever sent or shown to a principal:
 * leaders get the aggregate through demand.ts only.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import { tokenize } from '../../core/registry';
import { reply, type Reply, type RequestContext, type Services } from '../../core/context';
import type { Block, Message } from '../../messages/model';
import type { LocalDate, TypedTime } from '../../core/datetime';
import { noArguments, noExtra, word, zDate, zFlag, zTypedTime } from '../../core/args';
import { FORMATS, type Format, type Topic } from '../../core/ports';
import { ANSWER_MAX, DETAILS_MAX, TIMES_MAX, TOPIC_HINT, topicOf } from './labels';
import { parseRequestId, readerMayStillSee } from './lifecycle';
import { coachQueues, coachingHomeOf, ownRequests } from './service';
import { hours } from './hours';
import {
  acceptRequest,
  answerable,
  answerHelpful,
  askTeacher,
  awaitingReply,
  chosenSchool,
  declineRequest,
  discardDraft,
  draftRequest,
  draftToEdit,
  markDone,
  replyToCoach,
  requestFormChoices,
  sendDraft,
  setDraftShared,
  withdraw,
  type Review,
} from './requests';
import { forgetMe, planForget } from './forget';
import { coachingExportSection, freezeAllClosedDemand } from './demand';
import {
  ACTIONS,
  acceptedReply,
  askedReply,
  confirmation,
  declinedReply,
  discardedReply,
  doneReply,
  helpfulThanks,
  replySentReply,
  sentReply,
  withdrewReply,
} from './messages';
import { FORMS, acceptForm, askForm, declineForm, replyForm, requestForm, type RequestPrefill } from './forms';
import { withSessions } from './queue-sessions';
import { forgetConfirmation, forgottenReply, homeBlocks, keptReply, queueMessage, statusMessage } from './views';
import { COACHING_KINDS, composeCoachingReminder, planCoachingReminders } from './reminders';
import { registerCoachingSessions, sessionsReply } from './session-commands';

// ---- request --------------------------------------------------------------------------------------

interface RequestArgs {
  topic: Topic;
  details: string;
  format?: Format;
  slot?: string;
  times?: string;
  share: boolean;
  school?: number;
}

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
  const { schools, slots } = requestFormChoices(ctx);
  return requestForm(schools, slots, prefill);
}

const reviewOf = (ctx: RequestContext, review: Review): Message =>
  confirmation(review.draft, ctx.actor.user, review.school, review.coaches, review.joining, ctx.now);

const request: CommandSpec<RequestArgs> = {
  root: 'coaching',
  name: 'request',
  usage: 'request [topic] [details]',
  describe: 'ask a coach for help (only you and the coaches see it)',
  example: 'request classroom-management transitions after lunch',
  schema: () =>
    z.object({
      topic: zTopic,
      details: word('say what you would like help with').pipe(
        z.string().max(DETAILS_MAX, { error: `what you would like help with must be at most ${DETAILS_MAX} characters` }),
      ),
      format: z.enum(FORMATS, { error: (iss) => `"${String(iss.input)}" is not a format (${FORMATS.join(', ')})` }).optional(),
      slot: z.string().trim().max(300, { error: 'that office-hour slot is not one of the choices' }).optional(),
      times: z
        .string()
        .trim()
        .max(TIMES_MAX, { error: `preferred times must be at most ${TIMES_MAX} characters` })
        .optional(),
      share: zFlag,
      school: z
        .string()
        .optional()
        .transform((s, c): number | undefined => {
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
    const school = chosenSchool(ctx, args.school);
    // Several schools and none picked yet: the form offers the choice, keeping what was typed.
    if (!school) return reply(formFor(ctx, { topic: args.topic, details: args.details, format: args.format, times: args.times, share: args.share }));
    return reply(reviewOf(ctx, draftRequest(ctx, school, args)));
  },
};

// ---- the coach's answers, the teacher's reply ---------------------------------------------------------

const zAnswer = (missing: string) => word(missing).pipe(z.string().max(ANSWER_MAX, { error: `at most ${ANSWER_MAX} characters, please` }));
const zOptionalAnswer = z
  .string()
  .trim()
  .max(ANSWER_MAX, { error: `at most ${ANSWER_MAX} characters, please` })
  .optional();

const acceptFormSpec: FormSpec<{ when?: string; date?: LocalDate; time?: TypedTime; note?: string }> = {
  formId: FORMS.accept,
  schema: (pctx) =>
    z
      .object({
        when: z
          .string()
          .trim()
          .max(TIMES_MAX, { error: `the proposed time must be at most ${TIMES_MAX} characters` })
          .optional(),
        date: zDate(pctx.today).optional(),
        time: zTypedTime().optional(),
        note: zOptionalAnswer,
      })
      .transform((a) => ({ ...a, when: a.when || undefined }))
      .refine((a) => a.when || (a.date && a.time), { error: 'say the time you propose', path: ['when'] }),
  handle(ctx, args, param) {
    const { request: r, teacher, when } = acceptRequest(ctx, param, args);
    return reply(acceptedReply(r, teacher, when));
  },
};

const askFormSpec: FormSpec<{ question: string }> = {
  formId: FORMS.ask,
  schema: () => z.object({ question: zAnswer('say your question') }),
  handle(ctx, args, param) {
    const { request: r, teacher } = askTeacher(ctx, param, args.question);
    return reply(askedReply(r, teacher));
  },
};

const declineFormSpec: FormSpec<{ note?: string }> = {
  formId: FORMS.decline,
  schema: () => z.object({ note: zOptionalAnswer }),
  handle(ctx, args, param) {
    const { request: r, teacher } = declineRequest(ctx, param, args.note);
    return reply(declinedReply(r, teacher));
  },
};

/** The teacher answers a coach's question. */
const replyFormSpec: FormSpec<{ text: string }> = {
  formId: FORMS.reply,
  schema: () => z.object({ text: zAnswer('say your reply') }),
  handle(ctx, args, param) {
    const { coach } = replyToCoach(ctx, param, args.text);
    return reply(replySentReply(coach));
  },
};

// ---- status, withdraw, forget-me, queue ---------------------------------------------------------------

const status: CommandSpec<Record<string, never>> = {
  root: 'coaching',
  name: 'status',
  usage: 'status',
  describe: 'your requests and where they stand',
  example: 'status',
  ...noArguments,
  handle: (ctx) => reply(statusMessage(ownRequests(ctx)), ...sessionsReply(ctx, true)),
};

function withdrawRequest(ctx: RequestContext, value: string): Reply {
  return reply(withdrewReply(withdraw(ctx, value)));
}

const withdrawCommand: CommandSpec<{ id: string }> = {
  root: 'coaching',
  name: 'withdraw',
  usage: 'withdraw <id>',
  describe: 'withdraw one of your requests',
  example: 'withdraw 12',
  schema: () =>
    z.object({
      id: word('say which request, like: withdraw 12 (/coaching status lists them)').refine((s) => parseRequestId(s) !== undefined, {
        error: (iss) => `"${String(iss.input)}" is not a request number (like 12)`,
      }),
      extra: noExtra,
    }),
  fromWords: (words) => ({ id: words[0], extra: words[1] }),
  handle: (ctx, args) => withdrawRequest(ctx, args.id),
};

const forgetMeCommand: CommandSpec<Record<string, never>> = {
  root: 'coaching',
  name: 'forget-me',
  usage: 'forget-me',
  describe: 'erase everything Touchpoint holds about you',
  example: 'forget-me',
  ...noArguments,
  handle: (ctx) => reply(forgetConfirmation(planForget(ctx), ctx.actor.user.id)),
};

const queue: CommandSpec<Record<string, never>> = {
  root: 'coaching',
  name: 'queue',
  usage: 'queue',
  describe: 'open coaching requests, oldest first (coaches)',
  example: 'queue',
  ...noArguments,
  handle: (ctx) => reply(queueMessage(withSessions(ctx, coachQueues(ctx)))),
};

// ---- registration -------------------------------------------------------------------------------------

export function registerCoaching(registry: CommandRegistry): void {
  // Registry order is the order of help and the manifests' usage hints.
  for (const spec of [request, status, withdrawCommand, forgetMeCommand, queue, hours] as CommandSpec<never>[]) registry.command(spec);
  for (const form of [acceptFormSpec, askFormSpec, declineFormSpec, replyFormSpec] as FormSpec<never>[]) registry.form(form);
  registry.action({
    actionId: ACTIONS.send,
    settles: 'Sent',
    handle(ctx, v) {
      const { sent, school, joined } = sendDraft(ctx, v);
      return reply(sentReply(sent, school, joined));
    },
  });
  registry.action({ actionId: ACTIONS.share, handle: (ctx, v) => reply(reviewOf(ctx, setDraftShared(ctx, v))) });
  registry.action({ actionId: ACTIONS.edit, handle: (ctx, v) => reply(formFor(ctx, draftToEdit(ctx, v))) });
  registry.action({
    actionId: ACTIONS.discard,
    settles: 'Cancelled',
    handle(ctx, v) {
      discardDraft(ctx, v);
      return reply(discardedReply());
    },
  });
  registry.action({
    actionId: ACTIONS.accept,
    handle(ctx, v) {
      const { request: r, teacher } = answerable(ctx, 'accept', v);
      return reply(acceptForm(r, teacher));
    },
  });
  registry.action({
    actionId: ACTIONS.ask,
    handle(ctx, v) {
      const { request: r, teacher } = answerable(ctx, 'ask', v);
      return reply(askForm(r, teacher));
    },
  });
  registry.action({
    actionId: ACTIONS.decline,
    handle(ctx, v) {
      const { request: r, teacher } = answerable(ctx, 'decline', v);
      return reply(declineForm(r, teacher));
    },
  });
  registry.action({
    actionId: ACTIONS.reply,
    handle(ctx, v) {
      const { request: r, coach } = awaitingReply(ctx, v);
      return reply(replyForm(r, coach));
    },
  });
  registry.action({
    actionId: ACTIONS.done,
    settles: 'Marked done',
    handle(ctx, v) {
      const { request: r, teacher } = markDone(ctx, v);
      return reply(doneReply(r, teacher));
    },
  });
  registry.action({
    actionId: ACTIONS.helpful,
    settles: 'Answered',
    handle(ctx, v) {
      const { helpful, coach } = answerHelpful(ctx, v);
      return reply(helpfulThanks(helpful, coach));
    },
  });
  registry.action({ actionId: ACTIONS.withdraw, settles: 'Withdrawn', handle: withdrawRequest });
  registry.action({ actionId: ACTIONS.forget, settles: 'Erased', handle: (ctx, v) => reply(forgottenReply(forgetMe(ctx, v))) });
  registry.action({ actionId: ACTIONS.keep, settles: 'Kept', handle: () => reply(keptReply()) });
  registry.homeSection(coachingHome);
  registerCoachingSessions(registry);
  registry.planner(planCoachingReminders);
  for (const kind of Object.values(COACHING_KINDS)) registry.composer(kind, composeCoachingReminder);
  // Roles change while a DM waits: the coach it was for must still be one of the request's readers.
  for (const kind of ['coaching.request', 'coaching.reply']) registry.onDelivery(kind, { stillWanted: readerMayStillSee });
  registry.retentionStep(retainCoaching);
  registry.exportSection(coachingExportSection);
  // Months are frozen as they close even when nobody looks (anything that needs one earlier freezes it first).
  let lastHour = '';
  registry.planner((services, now) => {
    const hour = now.toISOString().slice(0, 13);
    if (hour === lastHour) return;
    services.transaction(() => freezeAllClosedDemand(services, now));
    lastHour = hour;
  });
}

/** Home: a teacher's open requests and a coach's open queue. */
function coachingHome(ctx: RequestContext): Block[] {
  return homeBlocks(coachingHomeOf(ctx));
}

/** Retention (a module-level function, so registering again in another core adds it once); closed months are frozen before requests go. */
function retainCoaching(services: Services, before: Date, now: Date): number {
  freezeAllClosedDemand(services, now);
  return services.coaching.deleteClosedBefore(before);
}
