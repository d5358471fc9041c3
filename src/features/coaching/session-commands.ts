/**
 * The coaching-session loop's buttons and form (sessions.ts), its reminder, and what `next`,
 * `/coaching status` and Home show of confirmed sessions.
 */
import { z } from 'zod';
import type { CommandRegistry, FormSpec } from '../../core/registry';
import { reply, type RequestContext } from '../../core/context';
import type { LocalDate, TypedTime } from '../../core/datetime';
import { zDate, zTypedTime } from '../../core/args';
import type { Block, Message } from '../../messages/model';
import { SESSION_REMINDER_KIND, awaitingTeacher, composeSessionReminder, confirmSession, sessionToAnswer, suggestTime, upcomingSessions } from './sessions';
import { SESSION_ACTIONS, SESSION_FORM, awaitingAnswerMessage, sessionsBlocks, sessionsMessage, suggestForm } from './session-messages';

const suggestFormSpec: FormSpec<{ date: LocalDate; time: TypedTime }> = {
  formId: SESSION_FORM,
  schema: (pctx) => z.object({ date: zDate(pctx.today), time: zTypedTime() }),
  handle: (ctx, args, param) => reply(suggestTime(ctx, param, args.date, args.time)),
};

/**
 * The actor's confirmed sessions still to come, as one message (none: no message). `asTeacher`
 * (`/coaching status`) keeps to their own requests, and adds the proposed times waiting for their answer.
 */
export function sessionsReply(ctx: RequestContext, asTeacher = false): Message[] {
  const lines = upcomingSessions(ctx.services, ctx.actor, ctx.now).filter((s) => !asTeacher || s.asTeacher);
  const waiting = asTeacher ? awaitingTeacher(ctx.services, ctx.actor) : [];
  return [...(waiting.length ? [awaitingAnswerMessage(waiting)] : []), ...(lines.length ? [sessionsMessage(lines)] : [])];
}

/** Home: the person's confirmed sessions to come. */
function sessionsHome(ctx: RequestContext): Block[] {
  return sessionsBlocks(upcomingSessions(ctx.services, ctx.actor, ctx.now));
}

export function registerCoachingSessions(registry: CommandRegistry): void {
  registry.action({ actionId: SESSION_ACTIONS.confirm, settles: 'Confirmed', handle: (ctx, v) => reply(confirmSession(ctx, v)) });
  registry.action({
    actionId: SESSION_ACTIONS.suggest,
    handle: (ctx, v) => {
      const { session, other, when } = sessionToAnswer(ctx, v);
      return reply(suggestForm(session, other, when));
    },
  });
  registry.form(suggestFormSpec);
  registry.composer(SESSION_REMINDER_KIND, (services, row) => composeSessionReminder(services, row));
  registry.homeSection(sessionsHome);
}
