/**
 * Needs escalation (DESIGN.md §1 rule 5): a pathway before escalation. The coach first goes back
 * to the teacher; if that does not settle it, reflects; then the concern goes on the next
 * touch-point's agenda — never as an instant DM, so the principal does not make a beeline to the
 * teacher. Student safety skips the wait: the principal is paged at once, then the assistant
 * principal when nobody acknowledges. Every view of an escalation's details is audited.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec, FormSpec } from '../../core/registry';
import type { Reply, RequestContext, Services } from '../../core/context';
import type { School, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import { internalMention } from '../../core/app';
import {
  canAcknowledgeEscalation, canCountEscalations, canRaiseEscalation, canRecordEscalationOutcome, canSteerEscalation,
  canViewEscalation, hasRole, LEADER_ROLES,
} from '../../core/policy';
import { formatInstant, formatLocalDate, localToUtc, todayIn, type LocalDate } from '../../core/datetime';
import { noExtra, word, zDate } from '../../core/args';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import type { OutboxRow } from '../../core/ports';
import { CATEGORIES, type Category, type Escalation, type Stage } from '../../core/ports';

import { describeOccurrence, pickSchool, upcoming, viewOf, type SeriesView } from '../booking/service';
import { addAgendaExtra } from '../agenda/service';
import { promptInstant } from '../agenda/reminders';
import { closureOn, schoolDaysAfter } from '../../core/school-calendar';

export const CATEGORY_LABELS: Record<Category, string> = {
  curriculum: 'Curriculum implementation',
  safety: 'Student safety',
  conduct: 'Professional conduct',
  resources: 'Resources or scheduling',
  other: 'Other',
};

export const STAGE_LABELS: Record<Stage, string> = {
  reflecting: 'reflecting — not raised yet',
  raised: 'raised for the next touch-point',
  urgent: 'urgent',
  plan: 'plan agreed',
  resolved: 'resolved',
  withdrawn: 'withdrawn',
};

const KINDS = { urgent: 'escalation.urgent', page: 'escalation.page', reflect: 'escalation.reflect', followUp: 'escalation.followup' } as const;
const PATHWAY = [
  'Go back to the teacher: share your concern, and listen to their reply.',
  'If you cannot work it out in the moment, take time to reflect.',
  'Or tell the teacher: "This is a matter we need to discuss with the principal."',
];

const ok = textMessage;

function schoolOf(services: Services, tenantId: number, e: Escalation): School {
  return services.people.schoolById(tenantId, e.schoolId)!;
}

/** Who it is about, as its readers may see it. */
function aboutLine(services: Services, tenantId: number, e: Escalation): string {
  if (e.concernsUserId !== null) return `about ${services.people.userById(tenantId, e.concernsUserId)?.displayName ?? 'a teacher'}`;
  return e.concernsLabel ? `about ${e.concernsLabel}` : 'not about a person';
}

function auditView(services: Services, tenantId: number, e: Escalation, viewerId: number, how: string, now: Date): void {
  services.audit.audit({ tenantId, schoolId: e.schoolId, actorId: viewerId, action: 'escalation.view', subjectType: 'escalation', subjectId: e.id, detail: how }, now);
}

function ageOf(e: Escalation, now: Date): string {
  const days = Math.floor((now.getTime() - e.createdAt.getTime()) / 86_400_000);
  return days === 0 ? 'today' : days === 1 ? '1 day old' : `${days} days old`;
}

/** The details block: category, stage, age, who it is about, the concern. Callers have checked the policy and audit the view. */
function details(services: Services, tenantId: number, e: Escalation, now: Date): Block[] {
  const coach = e.coachId !== null ? services.people.userById(tenantId, e.coachId)?.displayName ?? 'a coach' : 'a coach';
  return [
    { type: 'text', text: `**#${e.id} · ${esc(CATEGORY_LABELS[e.category])}** — ${esc(STAGE_LABELS[e.stage])}, ${esc(ageOf(e, now))}` },
    { type: 'text', text: esc(e.concern) },
    { type: 'context', text: esc(`Raised by ${coach}, ${aboutLine(services, tenantId, e)}${e.planText ? ` · plan: ${e.planText}${e.followUpDate ? `, follow-up ${formatLocalDate(e.followUpDate)}` : ''}` : ''}`) },
  ];
}

function escalationFromValue(ctx: RequestContext, value: string): { e: Escalation; school: School } {
  const e = ctx.services.escalations.byId(ctx.actor.tenant.id, Number(String(value).split(':')[0]));
  if (!e) throw new Refusal('There is no such escalation you can see.');
  return { e, school: schoolOf(ctx.services, ctx.actor.tenant.id, e) };
}

function requireDecision(d: { allowed: true } | { allowed: false; reason: string }): void {
  if (!d.allowed) throw new Refusal(d.reason);
}

/** The coach's touch-point with the principal (preferred) or an assistant principal at the school. */
function coachPartnership(services: Services, tenantId: number, coach: User, school: School): SeriesView | undefined {
  const views = services.series.liveSeriesOfUser(tenantId, coach.id)
    .filter((s) => s.status === 'active').map((s) => viewOf(services, tenantId, s))
    .filter((v) => v.school.id === school.id && v.coach.id === coach.id);
  const principalIds = new Set(services.people.schoolMembers(tenantId, school.id, ['principal']).map((u) => u.id));
  return views.find((v) => principalIds.has(v.principal.id)) ?? views[0];
}

function leaders(services: Services, tenantId: number, schoolId: number, role: 'principal' | 'assistant_principal'): User[] {
  return services.people.schoolMembers(tenantId, schoolId, [role]).filter((u, i, all) => all.findIndex((x) => x.id === u.id) === i);
}

function reflectDate(services: Services, tenantId: number, school: School, from: LocalDate, days: number): LocalDate {
  const closures = services.calendar.closuresOfSchool(tenantId, school.id);
  return schoolDaysAfter(from, days, (d) => closureOn(closures, d) !== undefined);
}

function planReflection(ctx: RequestContext, e: Escalation, school: School, until: LocalDate): void {
  const coach = ctx.services.people.userById(ctx.actor.tenant.id, e.coachId!)!;
  const dueAt = localToUtc(until, '08:00', school.timeZone);
  ctx.schedule(coach, KINDS.reflect, { escalationId: e.id, until }, `esc:${e.id}:reflect:${until}`, dueAt);
}

// ---- escalate -----------------------------------------------------------------------------------------

interface EscalateArgs { concern: string; category: Category; about?: string; urgency: 'wait' | 'urgent' }

const escalate: CommandSpec<EscalateArgs> = {
  root: 'touchpoint', name: 'escalate',
  usage: 'escalate',
  describe: 'raise a concern through the escalation pathway (coaches); opens a form',
  example: 'escalate',
  schema: () => z.object({
    concern: word('say what the concern is').pipe(z.string().max(2000, { error: 'the concern must be at most 2000 characters' })),
    category: z.enum(CATEGORIES, { error: (iss) => (iss.input === undefined ? 'pick a category' : `"${String(iss.input)}" is not a category`) }),
    about: z.string().optional(),
    urgency: z.enum(['wait', 'urgent'], { error: 'pick whether it can wait for the touch-point or is urgent (student safety)' }).optional().default('wait'),
  }),
  fromWords: () => null,
  form(ctx) {
    // Refused before the form opens: nobody but a coach should type a concern only to be turned away.
    const school = pickSchool(ctx, ['coach'], 'Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.');
    requireDecision(canRaiseEscalation(ctx.actor, school));
    const schools = [school.id];
    const teachers = schools.flatMap((id) => ctx.services.people.schoolMembers(ctx.actor.tenant.id, id, ['teacher']))
      .filter((u, i, all) => u.id !== ctx.actor.user.id && all.findIndex((x) => x.id === u.id) === i);
    return {
      text: 'Raise a concern',
      blocks: [
        { type: 'context', text: 'Only you and your principal(s) will ever read this — never teachers, never other coaches. Unless it is urgent, it waits for your next touch-point.' },
        { type: 'form', formId: 'touchpoint.escalate', title: 'Raise a concern', submitLabel: 'Continue', inputs: [
          { id: 'concern', label: 'What is the concern?', kind: 'longtext', required: true },
          { id: 'category', label: 'Category', kind: 'choice', required: true, choices: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c] })) },
          { id: 'about', label: 'Who it concerns', kind: 'person', required: false, choices: [{ value: 'none', label: 'Not about a person' }, ...teachers.map((u) => ({ value: internalMention(u), label: u.displayName }))] },
          { id: 'urgency', label: 'Urgency', kind: 'choice', required: true, initial: 'wait', choices: [
            { value: 'wait', label: 'Can wait for our next touch-point' },
            { value: 'urgent', label: 'Urgent — student safety' },
          ] },
        ] },
      ],
    };
  },
  handle(ctx, args) {
    const { escalations } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const school = pickSchool(ctx, ['coach'], 'Only coaches raise escalations; a principal can add a concern to the agenda with /touchpoint add.');
    requireDecision(canRaiseEscalation(ctx.actor, school));
    let about: User | undefined;
    if (args.about && args.about !== 'none') {
      about = ctx.people.resolve(args.about);
      if (!ctx.services.people.membershipsOf(tenantId, about.id).some((m) => m.schoolId === school.id)) throw new UsageError(`${about.displayName} is not at ${school.name}`, 'about');
      if (about.id === ctx.actor.user.id) throw new UsageError('an escalation cannot be about yourself', 'about');
    }
    const partnership = coachPartnership(ctx.services, tenantId, ctx.actor.user, school);
    const urgent = args.urgency === 'urgent';
    const e = escalations.create(tenantId, {
      schoolId: school.id, partnershipId: partnership?.partnership.id ?? null, coachId: ctx.actor.user.id, concern: args.concern,
      category: args.category, concernsUserId: about?.id ?? null, urgent, stage: urgent ? 'urgent' : 'reflecting',
    }, ctx.now);
    ctx.services.audit.audit({ tenantId, schoolId: school.id, actorId: ctx.actor.user.id, action: 'escalation.create', subjectType: 'escalation', subjectId: e.id, detail: urgent ? 'urgent' : 'pathway' }, ctx.now);
    if (urgent) return pageNow(ctx, e, school);
    if (!about) return raiseQuestion(ctx, e, 'It is not about a person, so there is no teacher to go back to first.');
    return { messages: [{
      text: 'Have you shared your concern with the teacher and listened to their reply?',
      blocks: [
        { type: 'text', text: 'Before it goes to the principal: **have you shared your concern with the teacher and listened to their reply?**' },
        { type: 'actions', buttons: [
          { actionId: 'escalation.shared', label: 'Yes, we talked', value: `${e.id}:yes` },
          { actionId: 'escalation.shared', label: 'Not yet', value: `${e.id}:no`, style: 'primary' },
        ] },
      ],
    }] };
  },
};

/** Urgent: every principal at once (with Acknowledge); unacknowledged after the window, again and the APs. */
function pageNow(ctx: RequestContext, e: Escalation, school: School): Reply {
  const tenantId = ctx.actor.tenant.id;
  const { urgentAckMinutes } = ctx.services.escalations.schoolSettings(tenantId, school.id);
  const principals = leaders(ctx.services, tenantId, school.id, 'principal');
  const aps = leaders(ctx.services, tenantId, school.id, 'assistant_principal');
  const first = principals.length ? principals : aps;
  if (first.length === 0) throw new Refusal(`${school.name} has no principal or assistant principal in Touchpoint to page. Call them now; ask an admin to add them.`);
  for (const p of first) ctx.schedule(p, KINDS.urgent, { escalationId: e.id }, `esc:${e.id}:urgent:u${p.id}`);
  const pageAt = new Date(ctx.now.getTime() + urgentAckMinutes * 60_000);
  for (const p of [...principals, ...aps]) ctx.schedule(p, KINDS.page, { escalationId: e.id }, `esc:${e.id}:page:u${p.id}`, pageAt);
  const hours = urgentAckMinutes % 60 === 0 ? `${urgentAckMinutes / 60} hour${urgentAckMinutes === 60 ? '' : 's'}` : `${urgentAckMinutes} minutes`;
  return { messages: [ok(
    `Sent now to ${first.map((u) => u.displayName).join(' and ')} as urgent. If nobody acknowledges it within ${hours}, they are asked again${aps.length && principals.length ? ' and the assistant principal is paged' : ''}. You will hear when it is acknowledged.`,
    { type: 'context', text: 'If a student is in danger right now, follow your school’s emergency procedure as well.' },
  )] };
}

function raiseQuestion(ctx: RequestContext, e: Escalation, lead?: string): Reply {
  const school = schoolOf(ctx.services, ctx.actor.tenant.id, e);
  const partnership = coachPartnership(ctx.services, ctx.actor.tenant.id, ctx.actor.user, school);
  const where = partnership ? `your next touch-point with ${partnership.principal.displayName}` : 'the principal’s list (you have no touch-point booked with a principal)';
  return { messages: [{
    text: `${lead ? `${lead} ` : ''}Raising it puts it on ${where}; no message goes to the principal before then. Does the teacher know it will be discussed with the principal?`,
    blocks: [
      ...(lead ? [{ type: 'text' as const, text: esc(lead) }] : []),
      { type: 'text', text: esc(`Raising it puts it on ${where}; no message goes to the principal before then.`) },
      { type: 'text', text: '**Does the teacher know it will be discussed with the principal?** (Recorded, not required.)' },
      { type: 'actions', buttons: [
        { actionId: 'escalation.raise', label: 'Raise it — they know', value: `${e.id}:told`, style: 'primary' },
        { actionId: 'escalation.raise', label: 'Raise it — not told', value: `${e.id}:not-told` },
        { actionId: 'escalation.reflect', label: 'Reflect first', value: String(e.id) },
      ] },
    ],
  }] };
}

function startReflection(ctx: RequestContext, e: Escalation, school: School, days: number, extraNotYet = false): Escalation {
  const until = reflectDate(ctx.services, ctx.actor.tenant.id, school, todayIn(ctx.now, school.timeZone), days);
  const updated = ctx.services.escalations.update(ctx.actor.tenant.id, e.id, { stage: 'reflecting', reflectUntil: until, notYetCount: e.notYetCount + (extraNotYet ? 1 : 0) }, ctx.now);
  planReflection(ctx, updated, school, until);
  return updated;
}

function answerShared(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canSteerEscalation(ctx.actor, school, e));
  if (e.stage !== 'reflecting' || e.raisedAt) throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
  const shared = value.endsWith(':yes');
  ctx.services.escalations.update(ctx.actor.tenant.id, e.id, { sharedFirst: shared }, ctx.now);
  if (shared) return raiseQuestion(ctx, e);
  return reflectReply(ctx, e, school);
}

function reflectReply(ctx: RequestContext, e: Escalation, school: School): Reply {
  const { reflectDays } = ctx.services.escalations.schoolSettings(ctx.actor.tenant.id, school.id);
  const updated = startReflection(ctx, e, school, reflectDays);
  return { messages: [{
    text: `The pathway: ${PATHWAY.join(' ')} Saved as reflecting; on ${formatLocalDate(updated.reflectUntil!)} you will be asked whether to raise it.`,
    blocks: [
      { type: 'text', text: '**The pathway before escalation**' },
      { type: 'list', ordered: true, items: PATHWAY.map(esc) },
      { type: 'context', text: esc(`Saved as reflecting. On ${formatLocalDate(updated.reflectUntil!)} you will be asked whether to raise it. Nothing has gone to the principal.`) },
    ],
  }] };
}

function raise(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canSteerEscalation(ctx.actor, school, e));
  if (e.stage !== 'reflecting') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
  const tenantId = ctx.actor.tenant.id;
  const partnership = coachPartnership(ctx.services, tenantId, ctx.actor.user, school);
  const next = partnership ? upcoming(ctx.services, tenantId, partnership, ctx.now, 1)[0] : undefined;
  // The principals read it with the next touch-point's agenda (its prompt), not before; with no
  // touch-point booked it waits in their escalations list from now.
  const promptAt = next && partnership
    ? promptInstant(ctx.services, { tenantId, partnershipId: partnership.partnership.id, schoolId: school.id, timeZone: school.timeZone, startsAt: next.startsAt })
    : ctx.now;
  ctx.services.escalations.update(tenantId, e.id, {
    stage: 'raised', raisedAt: ctx.now, teacherInformed: value.endsWith(':told'), reflectUntil: null, partnershipId: partnership?.partnership.id ?? null,
    visibleFrom: promptAt > ctx.now ? promptAt : ctx.now,
  }, ctx.now);
  ctx.services.outbox.cancelPending(`esc:${e.id}:reflect:`);
  ctx.services.audit.audit({ tenantId, schoolId: school.id, actorId: ctx.actor.user.id, action: 'escalation.raise', subjectType: 'escalation', subjectId: e.id }, ctx.now);
  if (!partnership) {
    return { messages: [ok('Raised. You have no touch-point booked with a principal, so it waits in /touchpoint escalations for them; book one with /touchpoint book.')] };
  }
  return { messages: [ok(`Raised. It is on the agenda of your touch-point with ${partnership.principal.displayName}${next ? ` on ${describeOccurrence(next, school.timeZone)}` : ''}, in the Escalations section. ${partnership.principal.displayName} sees it with that agenda, not before, and gets no message about it on its own.`)] };
}

function workedOut(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canSteerEscalation(ctx.actor, school, e));
  if (e.stage !== 'reflecting') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
  ctx.services.escalations.update(ctx.actor.tenant.id, e.id, { stage: 'resolved', closedAt: ctx.now, reflectUntil: null }, ctx.now);
  ctx.services.outbox.cancelPending(`esc:${e.id}:`);
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId: school.id, actorId: ctx.actor.user.id, action: 'escalation.resolve', subjectType: 'escalation', subjectId: e.id, detail: 'worked out' }, ctx.now);
  return { messages: [ok('Good to hear you worked it out. It is closed; it never reached the principal.')] };
}

function notYet(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canSteerEscalation(ctx.actor, school, e));
  if (e.stage !== 'reflecting') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
  const updated = startReflection(ctx, e, school, 2, true);
  return { messages: [ok(`Fine. You will be asked again on ${formatLocalDate(updated.reflectUntil!)}.`)] };
}

function withdraw(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canSteerEscalation(ctx.actor, school, e));
  if (e.stage === 'resolved' || e.stage === 'withdrawn') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
  ctx.services.escalations.update(ctx.actor.tenant.id, e.id, { stage: 'withdrawn', closedAt: ctx.now }, ctx.now);
  ctx.services.outbox.cancelPending(`esc:${e.id}:`);
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId: school.id, actorId: ctx.actor.user.id, action: 'escalation.withdraw', subjectType: 'escalation', subjectId: e.id }, ctx.now);
  return { messages: [ok(`Escalation #${e.id} is withdrawn.`)] };
}

function acknowledge(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canAcknowledgeEscalation(ctx.actor, school, e, ctx.now));
  const tenantId = ctx.actor.tenant.id;
  if (e.acknowledgedAt) {
    const by = e.acknowledgedBy !== null ? ctx.services.people.userById(tenantId, e.acknowledgedBy)?.displayName : undefined;
    return { messages: [ok(`Already acknowledged${by ? ` by ${by}` : ''} at ${formatInstant(e.acknowledgedAt, school.timeZone, true)}.`)] };
  }
  ctx.services.escalations.update(tenantId, e.id, { acknowledgedAt: ctx.now, acknowledgedBy: ctx.actor.user.id }, ctx.now);
  ctx.services.outbox.cancelPending(`esc:${e.id}:page:`);
  ctx.services.audit.audit({ tenantId, schoolId: school.id, actorId: ctx.actor.user.id, action: 'escalation.acknowledge', subjectType: 'escalation', subjectId: e.id }, ctx.now);
  const coach = e.coachId !== null ? ctx.services.people.userById(tenantId, e.coachId) : undefined;
  if (coach) ctx.notify(coach, 'escalation.acknowledged', ok(`${ctx.actor.user.displayName} acknowledged your urgent escalation #${e.id} at ${formatInstant(ctx.now, school.timeZone, true)}.`), `esc:${e.id}:acked`);
  return { messages: [ok(`Acknowledged at ${formatInstant(ctx.now, school.timeZone, true)}. Record the outcome when there is one: /touchpoint escalations.`)] };
}

// ---- outcome --------------------------------------------------------------------------------------------

interface OutcomeArgs { outcome: 'plan' | 'resolved' | 'withdrawn'; plan?: string; owner?: string; followUp?: LocalDate }
const outcomeForm: FormSpec<OutcomeArgs> = {
  formId: 'escalation.outcome',
  schema: (pctx) => z.object({
    outcome: z.enum(['plan', 'resolved', 'withdrawn'], { error: 'pick plan agreed, resolved or withdrawn' }),
    plan: z.string().max(1000, { error: 'the plan must be at most 1000 characters' }).optional(),
    owner: z.string().optional(),
    followUp: zDate(pctx.today).optional(),
  }).refine((a) => a.outcome !== 'plan' || a.plan, { error: 'say what the plan is', path: ['plan'] })
    .refine((a) => a.outcome !== 'plan' || a.owner, { error: 'a plan needs an owner', path: ['owner'] })
    .refine((a) => a.outcome !== 'plan' || a.followUp, { error: 'a plan needs a follow-up date', path: ['followUp'] })
    .refine((a) => !a.followUp || a.followUp > pctx.today, { error: 'the follow-up date must be after today', path: ['followUp'] }),
  handle(ctx, args, param) {
    const { e, school } = escalationFromValue(ctx, param);
    requireDecision(canRecordEscalationOutcome(ctx.actor, school, e, ctx.now));
    if (e.stage === 'resolved' || e.stage === 'withdrawn') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
    const tenantId = ctx.actor.tenant.id;
    const { escalations, outbox } = ctx.services;
    let line: string;
    if (args.outcome === 'plan') {
      const owner = ctx.people.resolve(args.owner!);
      const allowedOwner = owner.id === e.coachId || ctx.services.people.membershipsOf(tenantId, owner.id).some((m) => m.schoolId === school.id && LEADER_ROLES.includes(m.role));
      if (!allowedOwner) throw new UsageError('the owner must be the coach or one of the school’s principals', 'owner');
      escalations.update(tenantId, e.id, { stage: 'plan', planText: args.plan!, planOwnerId: owner.id, followUpDate: args.followUp! }, ctx.now);
      outbox.cancelPending(`esc:${e.id}:followup:`);
      ctx.schedule(owner, KINDS.followUp, { escalationId: e.id, date: args.followUp! }, `esc:${e.id}:followup:${args.followUp}`, localToUtc(args.followUp!, '08:00', school.timeZone));
      line = `Plan agreed for escalation #${e.id}: ${args.plan} Owner: ${owner.displayName}; follow-up ${formatLocalDate(args.followUp!)} (it comes back on the agenda then).`;
    } else {
      escalations.update(tenantId, e.id, { stage: args.outcome, closedAt: ctx.now }, ctx.now);
      outbox.cancelPending(`esc:${e.id}:`);
      line = `Escalation #${e.id} is ${args.outcome}.`;
    }
    ctx.services.audit.audit({ tenantId, schoolId: school.id, actorId: ctx.actor.user.id, action: 'escalation.outcome', subjectType: 'escalation', subjectId: e.id, detail: args.outcome }, ctx.now);
    // The other side of the conversation (coach ↔ principals) is told; nobody else.
    const others = e.coachId === ctx.actor.user.id
      ? leaders(ctx.services, tenantId, school.id, 'principal')
      : [e.coachId !== null ? ctx.services.people.userById(tenantId, e.coachId) : undefined].filter((u): u is User => u !== undefined);
    for (const u of others) ctx.notify(u, 'escalation.outcome', ok(`${ctx.actor.user.displayName} recorded: ${line}`), `esc:${e.id}:outcome:${args.outcome}:${ctx.now.getTime()}:u${u.id}`);
    return { messages: [ok(line)] };
  },
};

function outcomeFormMessage(ctx: RequestContext, value: string): Reply {
  const { e, school } = escalationFromValue(ctx, value);
  requireDecision(canRecordEscalationOutcome(ctx.actor, school, e, ctx.now));
  const tenantId = ctx.actor.tenant.id;
  const owners = [
    ...(e.coachId !== null ? [ctx.services.people.userById(tenantId, e.coachId)!] : []),
    ...leaders(ctx.services, tenantId, school.id, 'principal'), ...leaders(ctx.services, tenantId, school.id, 'assistant_principal'),
  ].filter((u, i, all) => all.findIndex((x) => x.id === u.id) === i);
  return { messages: [{ text: `Outcome of escalation #${e.id}`, blocks: [{ type: 'form', formId: `escalation.outcome:${e.id}`, title: `Outcome of escalation #${e.id}`, submitLabel: 'Save outcome', inputs: [
    { id: 'outcome', label: 'Outcome', kind: 'choice', required: true, choices: [{ value: 'plan', label: 'Plan agreed' }, { value: 'resolved', label: 'Resolved' }, { value: 'withdrawn', label: 'Withdrawn' }] },
    { id: 'plan', label: 'The plan', kind: 'longtext', required: false },
    { id: 'owner', label: 'Owner', kind: 'person', required: false, choices: owners.map((u) => ({ value: internalMention(u), label: u.displayName })) },
    { id: 'followUp', label: 'Follow-up date', kind: 'date', required: false },
  ] }] }] };
}

// ---- escalations -----------------------------------------------------------------------------------------

function buttonsFor(ctx: RequestContext, school: School, e: Escalation): Block[] {
  const buttons = [];
  if (canSteerEscalation(ctx.actor, school, e).allowed && e.stage === 'reflecting') {
    buttons.push({ actionId: 'escalation.raise-ask', label: 'Raise it', value: String(e.id) });
    buttons.push({ actionId: 'escalation.worked-out', label: 'We worked it out', value: String(e.id) });
  }
  if (e.urgent && !e.acknowledgedAt && canAcknowledgeEscalation(ctx.actor, school, e, ctx.now).allowed) {
    buttons.push({ actionId: 'escalation.ack', label: 'Acknowledge', value: String(e.id), style: 'primary' as const });
  }
  if (e.raisedAt && canRecordEscalationOutcome(ctx.actor, school, e, ctx.now).allowed) buttons.push({ actionId: 'escalation.outcome', label: 'Record outcome', value: String(e.id) });
  if (canSteerEscalation(ctx.actor, school, e).allowed) buttons.push({ actionId: 'escalation.withdraw', label: 'Withdraw', value: String(e.id), style: 'danger' as const });
  return buttons.length ? [{ type: 'actions', buttons }] : [];
}

const escalationsCommand: CommandSpec<Record<string, never>> = {
  root: 'touchpoint', name: 'escalations',
  usage: 'escalations',
  describe: 'open escalations with stage and age (the raising coach and the school’s principals only)',
  example: 'escalations',
  schema: () => z.object({ extra: noExtra }).transform(() => ({})),
  fromWords: (words) => ({ extra: words[0] }),
  handle(ctx) {
    const { escalations } = ctx.services;
    const tenantId = ctx.actor.tenant.id;
    const schoolIds = [...new Set(ctx.actor.memberships.map((m) => m.schoolId))];
    const blocks: Block[] = [];
    const counts: Block[] = [];
    let shown = 0;
    for (const id of schoolIds) {
      const school = ctx.services.people.schoolById(tenantId, id)!;
      for (const e of escalations.openOfSchool(tenantId, school.id)) {
        if (!canViewEscalation(ctx.actor, school, e, ctx.now).allowed) continue;
        auditView(ctx.services, tenantId, e, ctx.actor.user.id, 'escalations', ctx.now);
        blocks.push(...details(ctx.services, tenantId, e, ctx.now), ...buttonsFor(ctx, school, e), { type: 'divider' });
        shown += 1;
      }
      // Admins (and leaders) also get the counts: by category and stage, never the text.
      if (hasRole(ctx.actor, school.id, 'admin') && canCountEscalations(ctx.actor, school).allowed) {
        const rows = escalations.countsOfSchool(tenantId, school.id);
        counts.push({ type: 'text', text: `**Escalations at ${esc(school.name)}, by category and stage**` });
        counts.push(rows.length ? { type: 'list', items: rows.map((r) => esc(`${CATEGORY_LABELS[r.category]} · ${STAGE_LABELS[r.stage]}: ${r.n}`)) } : { type: 'context', text: 'None.' });
      }
    }
    if (shown === 0 && counts.length === 0) return { messages: [ok('No open escalations you can see.')] };
    const header: Block = { type: 'header', text: shown ? `Open escalations (${shown})` : 'Escalations' };
    return { messages: [{ text: shown ? `${shown} open escalation${shown === 1 ? '' : 's'}` : 'Escalation counts', blocks: [header, ...blocks, ...counts] }] };
  },
};

// ---- composers -------------------------------------------------------------------------------------------

function composeEscalation(services: Services, row: OutboxRow, now: Date): Message | null {
  const tenantId = row.tenantId;
  const e = services.escalations.byId(tenantId, Number(row.compose?.escalationId));
  const viewer = services.people.userById(tenantId, row.recipientId);
  if (!e || !viewer) return null;
  const school = schoolOf(services, tenantId, e);
  const actor = { user: viewer, tenant: services.people.tenantById(tenantId)!, memberships: services.people.membershipsOf(tenantId, viewer.id) };
  switch (row.kind) {
    case KINDS.urgent:
    case KINDS.page: {
      if (row.kind === KINDS.page && (e.acknowledgedAt || e.stage !== 'urgent')) return null;
      if (!canViewEscalation(actor, school, e, now).allowed) return null;
      auditView(services, tenantId, e, viewer.id, row.kind === KINDS.urgent ? 'urgent dm' : 'page dm', now);
      const isAp = !hasRole(actor, school.id, 'principal');
      const title = row.kind === KINDS.urgent ? 'Urgent escalation — student safety' : isAp ? 'Paged: urgent escalation not yet acknowledged' : 'Still unacknowledged: urgent escalation';
      return {
        text: `${title}. ${e.concern}`,
        blocks: [
          { type: 'header', text: title },
          ...details(services, tenantId, e, now),
          { type: 'actions', buttons: [{ actionId: 'escalation.ack', label: 'Acknowledge', value: String(e.id), style: 'primary' }] },
        ],
      };
    }
    case KINDS.reflect: {
      if (e.stage !== 'reflecting' || e.reflectUntil !== row.compose?.until) return null;
      if (!canSteerEscalation(actor, school, e).allowed) return null;
      auditView(services, tenantId, e, viewer.id, 'reflection dm', now);
      return {
        text: `Still need to raise escalation #${e.id}? ${e.concern}`,
        blocks: [
          { type: 'header', text: 'Still need to raise it?' },
          ...details(services, tenantId, e, now),
          { type: 'actions', buttons: [
            { actionId: 'escalation.raise-ask', label: 'Raise it', value: String(e.id), style: 'primary' },
            { actionId: 'escalation.worked-out', label: 'We worked it out', value: String(e.id) },
            { actionId: 'escalation.not-yet', label: 'Not yet (2 more days)', value: String(e.id) },
          ] },
        ],
      };
    }
    case KINDS.followUp: {
      if (e.stage !== 'plan' || e.followUpDate !== row.compose?.date) return null;
      if (!canViewEscalation(actor, school, e, now).allowed && !canSteerEscalation(actor, school, e).allowed) return null;
      auditView(services, tenantId, e, viewer.id, 'follow-up dm', now);
      return {
        text: `Follow-up today on escalation #${e.id}: ${e.planText ?? ''}`,
        blocks: [{ type: 'header', text: 'Escalation follow-up today' }, ...details(services, tenantId, e, now), { type: 'actions', buttons: [{ actionId: 'escalation.outcome', label: 'Record outcome', value: String(e.id) }] }],
      };
    }
    default:
      return null;
  }
}

/** The Escalations section of a partnership's agenda: how many, and each one, for readers the policy allows. */
function agendaEscalations(services: Services, tenantId: number, view: SeriesView, occurrence: { startsAt: Date } | undefined, viewer: User, now: Date): Block[] {
  const until = todayIn(occurrence?.startsAt ?? now, view.school.timeZone);
  const actor = { user: viewer, tenant: services.people.tenantById(tenantId)!, memberships: services.people.membershipsOf(tenantId, viewer.id) };
  const visible = services.escalations.forAgenda(tenantId, view.partnership.id, until).filter((e) => canViewEscalation(actor, view.school, e, now).allowed);
  if (visible.length === 0) return [];
  for (const e of visible) auditView(services, tenantId, e, viewer.id, 'agenda', now);
  return [
    { type: 'text', text: `**Escalations (${visible.length})**` },
    { type: 'list', items: visible.map((e) => `#${e.id} ${esc(CATEGORY_LABELS[e.category])} — ${esc(e.concern)} _(${esc(aboutLine(services, tenantId, e))}${e.stage === 'plan' ? ', plan follow-up' : ''})_`) },
  ];
}

export function registerEscalation(registry: CommandRegistry): void {
  registry.command(escalate as CommandSpec<unknown>);
  registry.command(escalationsCommand as CommandSpec<unknown>);
  registry.form(outcomeForm as FormSpec<unknown>);
  registry.action({ actionId: 'escalation.shared', handle: answerShared });
  registry.action({ actionId: 'escalation.raise-ask', handle: (ctx, v) => {
    const { e, school } = escalationFromValue(ctx, v);
    requireDecision(canSteerEscalation(ctx.actor, school, e));
    if (e.stage !== 'reflecting') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
    return raiseQuestion(ctx, e);
  } });
  registry.action({ actionId: 'escalation.raise', handle: raise });
  registry.action({ actionId: 'escalation.reflect', handle: (ctx, v) => {
    const { e, school } = escalationFromValue(ctx, v);
    requireDecision(canSteerEscalation(ctx.actor, school, e));
    if (e.stage !== 'reflecting') throw new Refusal(`That escalation is already ${STAGE_LABELS[e.stage]}.`);
    return reflectReply(ctx, e, school);
  } });
  registry.action({ actionId: 'escalation.worked-out', handle: workedOut });
  registry.action({ actionId: 'escalation.not-yet', handle: notYet });
  registry.action({ actionId: 'escalation.withdraw', handle: withdraw });
  registry.action({ actionId: 'escalation.ack', handle: acknowledge });
  registry.action({ actionId: 'escalation.outcome', handle: outcomeFormMessage });
  for (const kind of Object.values(KINDS)) registry.composer(kind, composeEscalation);
  addAgendaExtra(agendaEscalations);
}
