/**
 * Needs escalation (DESIGN.md §1 rule 5): a pathway before escalation. The coach first goes back
 * to the teacher; if that does not settle it, reflects; then the concern goes on the next
 * touch-point's agenda — never as an instant DM, so the principal does not make a beeline to the
 * teacher. Student safety skips the wait: the principal is paged at once, then the assistant
 * principal when nobody acknowledges. Every view of an escalation's details is audited.
 *
 * Each use case takes one step of the table in pathway.ts: `guard` applies its rule and the
 * stages it is allowed from, `enact` writes what the table says it writes (steps.ts). Reading
 * escalations (the lists, the agenda's section, what a DM shows) is in views.ts.
 */
import type { RequestContext, Services } from '../../core/context';
import type { School, User } from '../../core/model';
import { Refusal, UsageError } from '../../core/errors';
import { authorize, LEADER_ROLES } from '../../core/policy';
import { todayIn, type LocalDate } from '../../core/datetime';
import type { Category, Escalation } from '../../core/ports';
import { closureOn, schoolDaysAfter } from '../../core/school-calendar';
import { compiledAgendaAt } from './follow';
import { describeOccurrence, pickSchool, upcoming, viewOf, type SeriesView } from '../booking/service';
import { OUTBOX_KINDS, PATHWAY, pendingPrefix, type StepEvent } from './pathway';
import { pageTier, pagingChain, reachableTier } from './reach';
import { COACHES_ONLY, NO_SUCH_ESCALATION, acknowledgedToCoach, closedLine, outcomeToOther, planLine, type Paging } from './messages';
import { enact, guard, type Effects, type Planned } from './steps';
import { escalationReminderAt } from './reminders';
import { schoolOf } from './views';

function leaders(services: Services, tenantId: number, schoolId: number, role: 'principal' | 'assistant_principal'): User[] {
  return services.people.schoolMembers(tenantId, schoolId, [role]).filter((u, i, all) => all.findIndex((x) => x.id === u.id) === i);
}

/** The coach's touch-point with the principal (preferred) or an assistant principal at the school. */
function coachPartnership(services: Services, tenantId: number, coach: User, school: School): SeriesView | undefined {
  const views = services.series
    .liveSeriesOfUser(tenantId, coach.id)
    .filter((s) => s.status === 'active')
    .map((s) => viewOf(services, tenantId, s))
    .filter((v) => v.school.id === school.id && v.coach.id === coach.id);
  const principalIds = new Set(services.people.schoolMembers(tenantId, school.id, ['principal']).map((u) => u.id));
  return views.find((v) => principalIds.has(v.principal.id)) ?? views[0];
}

/** The escalation a button's value names (`<id>` or `<id>:<answer>`), once the step is allowed. */
function loadFor(ctx: RequestContext, event: StepEvent, value: string): { e: Escalation; school: School } {
  const e = ctx.services.escalations.byId(ctx.actor.tenant.id, Number(String(value).split(':')[0]));
  if (!e) throw new Refusal(NO_SUCH_ESCALATION);
  const school = schoolOf(ctx.services, ctx.actor.tenant.id, e);
  guard(ctx, event, e, school);
  return { e, school };
}

// ---- the coach's side --------------------------------------------------------------------------------------

/** The school a coach raises a concern at; refused before the form opens for anyone the rule turns away. */
export function raisingSchool(ctx: RequestContext): School {
  const school = pickSchool(ctx, ['coach'], COACHES_ONLY);
  authorize('escalation.raise', ctx.actor, school);
  return school;
}

/**
 * The staff a concern can be about: everyone at the school but the raising coach and its leaders
 * (a teacher who never asked for coaching included: that is the case the pathway exists for).
 */
export function staffAt(ctx: RequestContext, school: School): User[] {
  const members = ctx.services.people.schoolMembers(ctx.actor.tenant.id, school.id, ['teacher', 'coach', 'admin', 'principal', 'assistant_principal']);
  const leaderIds = new Set(members.filter((m) => m.role === 'principal' || m.role === 'assistant_principal').map((m) => m.id));
  return members.filter((u, i, all) => u.id !== ctx.actor.user.id && !leaderIds.has(u.id) && all.findIndex((x) => x.id === u.id) === i);
}

/** The form's values for a concern that names nobody. */
export const ABOUT_NOBODY = 'none';
export const ABOUT_STUDENT = 'student';
const STUDENT_LABEL = 'a student or family';

export interface NewConcern {
  concern: string;
  category: Category;
  about?: string;
  urgent: boolean;
}

/** A new escalation: waiting on the pathway, or urgent (principals paged at once). */
export function createEscalation(ctx: RequestContext, args: NewConcern): { e: Escalation; about?: User; paging?: Paging } {
  const tenantId = ctx.actor.tenant.id;
  const school = raisingSchool(ctx);
  let about: User | undefined;
  if (args.about && args.about !== ABOUT_NOBODY && args.about !== ABOUT_STUDENT) {
    about = ctx.people.resolve(args.about);
    const memberships = ctx.services.people.membershipsOf(tenantId, about.id);
    // Someone the bot knows but who belongs to no school yet is staff it has not met; another school's person is not.
    if (memberships.length > 0 && !memberships.some((m) => m.schoolId === school.id))
      throw new UsageError(`${about.displayName} is not at ${school.name}`, 'about');
    if (about.id === ctx.actor.user.id) throw new UsageError('an escalation cannot be about yourself', 'about');
    if (memberships.some((m) => m.schoolId === school.id && (m.role === 'principal' || m.role === 'assistant_principal'))) {
      throw new UsageError(`${about.displayName} leads ${school.name}: a concern about a school leader goes to your district, not through Touchpoint`, 'about');
    }
  }
  const event = args.urgent ? 'create.urgent' : 'create';
  const step = PATHWAY[event];
  const partnership = coachPartnership(ctx.services, tenantId, ctx.actor.user, school);
  const e = ctx.services.escalations.create(
    tenantId,
    {
      schoolId: school.id,
      partnershipId: partnership?.partnership.id ?? null,
      coachId: ctx.actor.user.id,
      concern: args.concern,
      category: args.category,
      concernsUserId: about?.id ?? null,
      concernsLabel: args.about === ABOUT_STUDENT ? STUDENT_LABEL : null,
      urgent: args.urgent,
      stage: step.to,
    },
    ctx.now,
  );
  ctx.audit({ schoolId: school.id, action: step.audit.action, subjectType: 'escalation', subjectId: e.id, detail: step.audit.detail });
  return { e, about, paging: args.urgent ? pageNow(ctx, e, school) : undefined };
}

/** Urgent: every principal at once (with Acknowledge); unacknowledged after the window, again and the APs. */
function pageNow(ctx: RequestContext, e: Escalation, school: School): Paging {
  const tenantId = ctx.actor.tenant.id;
  const { urgentAckMinutes } = ctx.services.escalations.schoolSettings(tenantId, school.id);
  const principals = leaders(ctx.services, tenantId, school.id, 'principal');
  const aps = leaders(ctx.services, tenantId, school.id, 'assistant_principal');
  const chain = pagingChain(ctx.services, tenantId, school, ctx.actor.user.id);
  if (chain.every((t) => t.people.length === 0))
    throw new Refusal(`${school.name} has no principal or assistant principal in Touchpoint to page. Call them now; ask an admin to add them.`);
  // Down the chain past anyone already known to be unreachable; nobody at all is said at once.
  const reachable = reachableTier(ctx.services, tenantId, chain);
  if (reachable) pageTier((u, kind, compose, key) => ctx.schedule(u, kind, compose, key), e, reachable.tier, reachable.people);
  const first = reachable?.people ?? [];
  const pageAt = new Date(ctx.now.getTime() + urgentAckMinutes * 60_000);
  for (const p of [...principals, ...aps])
    ctx.schedule(p, OUTBOX_KINDS.page, { escalationId: e.id }, `${pendingPrefix(e.id, OUTBOX_KINDS.page)}u${p.id}`, pageAt);
  return {
    first,
    principals,
    aps,
    urgentAckMinutes,
    tier: reachable?.tier,
    skipped: chain.slice(0, reachable?.index ?? chain.length).flatMap((t) => t.people),
    school,
    escalationId: e.id,
  };
}

/** The principal the coach's raised concerns go to: the one of their touch-point, if one is booked. */
export function raisedTo(ctx: RequestContext, e: Escalation): string | undefined {
  const school = schoolOf(ctx.services, ctx.actor.tenant.id, e);
  return coachPartnership(ctx.services, ctx.actor.tenant.id, ctx.actor.user, school)?.principal.displayName;
}

/** A reflection until `days` school days from today: the date, and the question planned for it to the coach. */
function reflection(ctx: RequestContext, e: Escalation, school: School, days: number): { reflectUntil: LocalDate; planned: Planned[] } {
  const closures = ctx.services.calendar.closuresOfSchool(ctx.actor.tenant.id, school.id);
  const until = schoolDaysAfter(todayIn(ctx.now, school.timeZone), days, (d) => closureOn(closures, d) !== undefined);
  const coach = ctx.services.people.userById(ctx.actor.tenant.id, e.coachId!)!;
  const dueAt = escalationReminderAt(ctx.services, ctx.actor.tenant.id, school, until);
  return {
    reflectUntil: until,
    planned: [
      {
        recipient: coach,
        kind: OUTBOX_KINDS.reflect,
        compose: { escalationId: e.id, until },
        dedupeKey: `${pendingPrefix(e.id, OUTBOX_KINDS.reflect)}${until}`,
        dueAt,
      },
    ],
  };
}

/** "Have you shared it with the teacher?" Yes: the raise question follows. No: reflection; returns its date. */
export function answerSharedFirst(ctx: RequestContext, value: string): { e: Escalation; reflectUntil?: LocalDate } {
  const shared = value.endsWith(':yes');
  const event = shared ? 'shared.yes' : 'shared.no';
  const { e, school } = loadFor(ctx, event, value);
  if (shared) return { e: enact(ctx, event, e, school, { change: { sharedFirst: true } }) };
  const { reflectUntil, planned } = reflection(ctx, e, school, ctx.services.escalations.schoolSettings(ctx.actor.tenant.id, school.id).reflectDays);
  return { e: enact(ctx, event, e, school, { change: { sharedFirst: false, reflectUntil }, planned }), reflectUntil };
}

/** "Reflect first" (the school's reflection days) or "Not yet" (two more school days); returns the new date. */
export function reflect(ctx: RequestContext, event: 'reflect' | 'not-yet', value: string): LocalDate {
  const { e, school } = loadFor(ctx, event, value);
  const days = event === 'reflect' ? ctx.services.escalations.schoolSettings(ctx.actor.tenant.id, school.id).reflectDays : 2;
  const { reflectUntil, planned } = reflection(ctx, e, school, days);
  const change = event === 'reflect' ? { reflectUntil } : { reflectUntil, notYetCount: e.notYetCount + 1 };
  enact(ctx, event, e, school, { change, planned });
  return reflectUntil;
}

/** Raised: on the next touch-point's agenda; returns the principal and the occurrence, if one is booked. */
export function raise(ctx: RequestContext, value: string): { e: Escalation; principalName?: string; occurrence?: string } {
  const { e, school } = loadFor(ctx, 'raise', value);
  const tenantId = ctx.actor.tenant.id;
  const partnership = coachPartnership(ctx.services, tenantId, ctx.actor.user, school);
  const next = partnership ? upcoming(ctx.services, tenantId, partnership, ctx.now, 1)[0] : undefined;
  // The principals read it with the next touch-point's compiled agenda (agenda-lead minutes before
  // it), not before: the agenda prompt and their lists show only its category until then. With no
  // touch-point booked it waits in their escalations list from now.
  const agendaAt = next && partnership ? compiledAgendaAt(ctx.services, tenantId, school, partnership.partnership.id, next.startsAt) : ctx.now;
  const updated = enact(ctx, 'raise', e, school, {
    change: {
      raisedAt: ctx.now,
      teacherInformed: value.endsWith(':told'),
      reflectUntil: null,
      partnershipId: partnership?.partnership.id ?? null,
      visibleFrom: agendaAt > ctx.now ? agendaAt : ctx.now,
    },
  });
  return { e: updated, principalName: partnership?.principal.displayName, occurrence: next ? describeOccurrence(next, school.timeZone) : undefined };
}

/** A step with nothing to ask: "Raise it" (asks whether the teacher knows), "We worked it out", "Withdraw". */
export function takeStep(ctx: RequestContext, event: 'raise.ask' | 'worked-out' | 'withdraw', value: string): Escalation {
  const { e, school } = loadFor(ctx, event, value);
  if (event === 'raise.ask') return enact(ctx, event, e, school);
  return enact(ctx, event, e, school, { change: event === 'worked-out' ? { closedAt: ctx.now, reflectUntil: null } : { closedAt: ctx.now } });
}

// ---- the principal's side ------------------------------------------------------------------------------------

export type Acknowledgement = { already: true; byName?: string; at: Date; school: School } | { already: false; at: Date; school: School };

/** Acknowledging an urgent escalation stops the pages and tells the coach; a second press says who did. */
export function acknowledge(ctx: RequestContext, value: string): Acknowledgement {
  const { e, school } = loadFor(ctx, 'acknowledge', value);
  const tenantId = ctx.actor.tenant.id;
  if (e.acknowledgedAt) {
    const byName = e.acknowledgedBy !== null ? ctx.services.people.userById(tenantId, e.acknowledgedBy)?.displayName : undefined;
    return { already: true, byName, at: e.acknowledgedAt, school };
  }
  const coach = e.coachId !== null ? ctx.services.people.userById(tenantId, e.coachId) : undefined;
  enact(ctx, 'acknowledge', e, school, {
    change: { acknowledgedAt: ctx.now, acknowledgedBy: ctx.actor.user.id },
    told: coach
      ? [{ recipient: coach, message: acknowledgedToCoach(ctx.actor.user.displayName, e, ctx.now, school.timeZone), dedupeKey: `esc:${e.id}:acked` }]
      : [],
  });
  return { already: false, at: ctx.now, school };
}

/** Who may own a plan: the coach and the school's principals and APs (the outcome form's choices). */
export function outcomeOwners(ctx: RequestContext, value: string): { e: Escalation; owners: User[] } {
  const { e, school } = loadFor(ctx, 'outcome.open', value);
  const tenantId = ctx.actor.tenant.id;
  const owners = [
    ...(e.coachId !== null ? [ctx.services.people.userById(tenantId, e.coachId)!] : []),
    ...leaders(ctx.services, tenantId, school.id, 'principal'),
    ...leaders(ctx.services, tenantId, school.id, 'assistant_principal'),
  ].filter((u, i, all) => all.findIndex((x) => x.id === u.id) === i);
  return { e, owners };
}

export type Outcome = { outcome: 'plan'; plan: string; owner: string; followUp: LocalDate } | { outcome: 'resolved' | 'withdrawn'; text?: string };

/** Records the outcome; the other side of the conversation (coach ↔ principals) is told, nobody else. Returns the line said. */
export function recordOutcome(ctx: RequestContext, param: string, args: Outcome): string {
  const event = `outcome.${args.outcome}` as const;
  const { e, school } = loadFor(ctx, event, param);
  const tenantId = ctx.actor.tenant.id;
  let line: string;
  const effects: Effects = {};
  if (args.outcome === 'plan') {
    const owner = ctx.people.resolve(args.owner);
    const allowedOwner =
      owner.id === e.coachId || ctx.services.people.membershipsOf(tenantId, owner.id).some((m) => m.schoolId === school.id && LEADER_ROLES.includes(m.role));
    if (!allowedOwner) throw new UsageError('the owner must be the coach or one of the school’s principals', 'owner');
    effects.change = { planText: args.plan, planOwnerId: owner.id, followUpDate: args.followUp };
    effects.planned = [
      {
        recipient: owner,
        kind: OUTBOX_KINDS.followUp,
        compose: { escalationId: e.id, date: args.followUp },
        dedupeKey: `${pendingPrefix(e.id, OUTBOX_KINDS.followUp)}${args.followUp}`,
        // A follow-up on a weekend or closed day goes on the next school day, as every follow-up does.
        dueAt: escalationReminderAt(ctx.services, ctx.actor.tenant.id, school, args.followUp),
      },
    ];
    line = planLine(e, args.plan, owner.displayName, args.followUp);
  } else {
    // What came of it (the resolution) is kept with it, in the outcome text a plan would have.
    effects.change = { closedAt: ctx.now, ...(args.text ? { planText: args.text } : {}) };
    line = closedLine(e, args.outcome, args.text);
  }
  const others =
    e.coachId === ctx.actor.user.id
      ? leaders(ctx.services, tenantId, school.id, 'principal')
      : [e.coachId !== null ? ctx.services.people.userById(tenantId, e.coachId) : undefined].filter((u): u is User => u !== undefined);
  effects.told = others.map((u) => ({
    recipient: u,
    message: outcomeToOther(ctx.actor.user.displayName, line),
    dedupeKey: `esc:${e.id}:outcome:${args.outcome}:${ctx.now.getTime()}:u${u.id}`,
  }));
  enact(ctx, event, e, school, effects);
  return line;
}
