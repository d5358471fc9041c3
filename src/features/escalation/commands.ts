/**
 * `/touchpoint escalate` and `/touchpoint escalations`, the pathway's buttons and the outcome form.
 * Each handler parses its input and calls the service, which takes the step of the table in
 * pathway.ts (who may take it, from which stages); the replies come from messages.ts.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import type { Reply } from '../../core/context';
import type { LocalDate } from '../../core/datetime';
import { noExtra, word, zDate } from '../../core/args';
import { CATEGORIES, type Category } from '../../core/ports';
import { OUTBOX_KINDS } from './pathway';
import {
  acknowledge,
  answerSharedFirst,
  createEscalation,
  outcomeOwners,
  raise,
  raisedTo,
  raisingSchool,
  recordOutcome,
  reflect,
  takeStep,
  staffAt,
  ABOUT_STUDENT,
} from './service';
import { agendaEscalations, openEscalations } from './views';
import {
  NOT_ABOUT_A_PERSON,
  ABOUT_A_STUDENT,
  acknowledged,
  alreadyAcknowledged,
  askedAgain,
  escalateForm,
  escalationsList,
  noneVisible,
  outcomeForm,
  outcomeRecorded,
  raiseQuestion,
  raised,
  reflectionSaved,
  sharedFirstQuestion,
  urgentSent,
  withdrawn,
  workedOut,
} from './messages';
import { composeEscalation } from './reminders';
import { ADMIN_ALERT_KIND, adminAlert, urgentDelivered, urgentUndeliverable } from './reach';
import { followTouchpoints } from './follow';
import {
  THREE_WAY_ACTIONS,
  takeThreeWayStep,
  threeWayArranged,
  threeWayArrangedToCoach,
  threeWayOffer,
  threeWayProposed,
  threeWayWithdrawn,
} from './three-way';

const reply = (...messages: Reply['messages']): Reply => ({ messages });

// ---- escalate -----------------------------------------------------------------------------------------

interface EscalateArgs {
  concern: string;
  category: Category;
  about?: string;
  urgency: 'wait' | 'urgent';
}

const escalate: CommandSpec<EscalateArgs> = {
  root: 'touchpoint',
  name: 'escalate',
  usage: 'escalate',
  describe: 'raise a concern through the escalation pathway (coaches); opens a form',
  example: 'escalate',
  schema: () =>
    z.object({
      concern: word('say what the concern is').pipe(z.string().max(2000, { error: 'the concern must be at most 2000 characters' })),
      category: z.enum(CATEGORIES, { error: (iss) => (typeof iss.input === 'string' ? `"${iss.input}" is not a category` : 'pick a category') }),
      about: z.string().optional(),
      urgency: z.enum(['wait', 'urgent'], { error: 'pick whether it can wait for the touch-point or is urgent (student safety)' }).optional().default('wait'),
    }),
  fromWords: () => null,
  form(ctx) {
    // Refused before the form opens: nobody but a coach should type a concern only to be turned away.
    const school = raisingSchool(ctx);
    return escalateForm(staffAt(ctx, school));
  },
  handle(ctx, args) {
    const { e, about, paging } = createEscalation(ctx, {
      concern: args.concern,
      category: args.category,
      about: args.about,
      urgent: args.urgency === 'urgent',
    });
    if (paging) return reply(urgentSent(paging));
    if (!about) return reply(raiseQuestion(e, raisedTo(ctx, e), args.about === ABOUT_STUDENT ? ABOUT_A_STUDENT : NOT_ABOUT_A_PERSON));
    return reply(sharedFirstQuestion(e));
  },
};

// ---- outcome --------------------------------------------------------------------------------------------

interface OutcomeArgs {
  outcome: 'plan' | 'resolved' | 'withdrawn';
  plan?: string;
  owner?: string;
  followUp?: LocalDate;
}
const outcomeFormSpec: FormSpec<OutcomeArgs> = {
  formId: 'escalation.outcome',
  schema: (pctx) =>
    z
      .object({
        outcome: z.enum(['plan', 'resolved', 'withdrawn'], { error: 'pick plan agreed, resolved or withdrawn' }),
        plan: z.string().max(1000, { error: 'the plan must be at most 1000 characters' }).optional(),
        owner: z.string().optional(),
        followUp: zDate(pctx.today).optional(),
      })
      .refine((a) => a.outcome !== 'plan' || a.plan, { error: 'say what the plan is', path: ['plan'] })
      .refine((a) => a.outcome !== 'plan' || a.owner, { error: 'a plan needs an owner', path: ['owner'] })
      .refine((a) => a.outcome !== 'plan' || a.followUp, { error: 'a plan needs a follow-up date', path: ['followUp'] })
      .refine((a) => !a.followUp || a.followUp > pctx.today, { error: 'the follow-up date must be after today', path: ['followUp'] }),
  handle(ctx, args, param) {
    // The schema's refinements guarantee a plan's text, owner and date.
    const line =
      args.outcome === 'plan'
        ? recordOutcome(ctx, param, { outcome: 'plan', plan: args.plan!, owner: args.owner!, followUp: args.followUp! })
        : recordOutcome(ctx, param, { outcome: args.outcome, text: args.plan });
    return reply(outcomeRecorded(line));
  },
};

// ---- escalations -----------------------------------------------------------------------------------------

const escalationsCommand: CommandSpec<Record<string, never>> = {
  root: 'touchpoint',
  name: 'escalations',
  usage: 'escalations',
  describe: 'open escalations with stage and age (the raising coach and the school’s principals only)',
  example: 'escalations',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const { shown, blocks, counts } = openEscalations(ctx);
    if (blocks.length === 0 && counts.length === 0) return reply(noneVisible());
    return reply(escalationsList(shown, blocks, counts));
  },
};

export function registerEscalation(registry: CommandRegistry): void {
  registry.command(escalate);
  registry.command(escalationsCommand);
  registry.form(outcomeFormSpec);
  registry.action({
    actionId: 'escalation.shared',
    settles: 'Noted',
    handle: (ctx, v) => {
      const { e, reflectUntil } = answerSharedFirst(ctx, v);
      return reply(reflectUntil ? reflectionSaved(reflectUntil) : raiseQuestion(e, raisedTo(ctx, e)));
    },
  });
  registry.action({
    actionId: 'escalation.raise-ask',
    handle: (ctx, v) => {
      const e = takeStep(ctx, 'raise.ask', v);
      return reply(raiseQuestion(e, raisedTo(ctx, e)));
    },
  });
  registry.action({
    actionId: 'escalation.raise',
    settles: 'Raised',
    handle: (ctx, v) => {
      const { e, principalName, occurrence } = raise(ctx, v);
      // "Raise it — they know": a conversation with the teacher present is offered (three-way.ts).
      const said = raised(principalName, occurrence);
      return reply({ ...said, blocks: [...said.blocks, ...threeWayOffer(ctx, e, principalName)] });
    },
  });
  registry.action({
    actionId: THREE_WAY_ACTIONS.propose,
    settles: 'Proposed',
    handle: (ctx, v) => {
      const { e, teacherName } = takeThreeWayStep(ctx, 'propose', v);
      return reply(threeWayProposed(e, teacherName, raisedTo(ctx, e)));
    },
  });
  registry.action({
    actionId: THREE_WAY_ACTIONS.arrange,
    settles: 'Marked arranged',
    handle: (ctx, v) => {
      const { e, teacherName } = takeThreeWayStep(ctx, 'arrange', v);
      const coach = e.coachId !== null ? ctx.services.people.userById(ctx.actor.tenant.id, e.coachId) : undefined;
      if (coach)
        ctx.notify(coach, 'escalation.three-way', threeWayArrangedToCoach(ctx.actor.user.displayName, e, teacherName), `esc:${e.id}:three-way:arranged`);
      return reply(threeWayArranged(e, teacherName, coach?.displayName));
    },
  });
  registry.action({
    actionId: THREE_WAY_ACTIONS.withdraw,
    settles: 'Withdrawn',
    handle: (ctx, v) => reply(threeWayWithdrawn(takeThreeWayStep(ctx, 'withdraw', v).e)),
  });
  registry.action({ actionId: 'escalation.reflect', settles: 'Noted', handle: (ctx, v) => reply(reflectionSaved(reflect(ctx, 'reflect', v))) });
  registry.action({ actionId: 'escalation.not-yet', settles: 'Noted', handle: (ctx, v) => reply(askedAgain(reflect(ctx, 'not-yet', v))) });
  registry.action({
    actionId: 'escalation.worked-out',
    settles: 'Worked out',
    handle: (ctx, v) => {
      takeStep(ctx, 'worked-out', v);
      return reply(workedOut());
    },
  });
  registry.action({ actionId: 'escalation.withdraw', settles: 'Withdrawn', handle: (ctx, v) => reply(withdrawn(takeStep(ctx, 'withdraw', v))) });
  registry.action({
    actionId: 'escalation.ack',
    settles: 'Acknowledged',
    handle: (ctx, v) => {
      const ack = acknowledge(ctx, v);
      if (ack.already)
        return { ...reply(alreadyAcknowledged(ack.byName, ack.at, ack.school.timeZone)), outcome: `✓ Acknowledged${ack.byName ? ` by ${ack.byName}` : ''}` };
      return reply(acknowledged(ack.at, ack.school.timeZone));
    },
  });
  registry.action({
    actionId: 'escalation.outcome',
    handle: (ctx, v) => {
      const { e, owners } = outcomeOwners(ctx, v);
      return reply(outcomeForm(e, owners));
    },
  });
  for (const kind of Object.values(OUTBOX_KINDS)) registry.composer(kind, composeEscalation);
  // Urgent: down the chain until someone is reached, and the coach told who was (reach.ts).
  registry.composer(ADMIN_ALERT_KIND, (services, row) => adminAlert(services, row));
  for (const kind of [OUTBOX_KINDS.urgent, ADMIN_ALERT_KIND]) registry.onDelivery(kind, { delivered: urgentDelivered, undeliverable: urgentUndeliverable });
  registry.agendaSection(agendaEscalations);
  // A raised concern's reading time follows its touch-point when that is moved, skipped or ended (follow.ts):
  // after whatever request changed it, and on the scheduler's tick for changes made outside a request.
  registry.settler((ctx) => followTouchpoints(ctx.services, ctx.now, ctx.actor.tenant.id));
  registry.planner((services, now) => services.transaction(() => followTouchpoints(services, now)));
}
