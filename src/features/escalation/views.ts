/**
 * Reading escalations: the open ones a person may see, with the steps they are offered and the
 * admins' counts; the Escalations section of a partnership's agenda; and what a composed DM needs
 * (the escalation's school, its reader as an actor, the audited view). Every view of an
 * escalation's details is audited.
 */
import type { RequestContext, Services } from '../../core/context';
import type { AgendaSectionInput } from '../../core/registry';
import type { Actor, School, User } from '../../core/model';
import { decide, escalationReach, hasRole } from '../../core/policy';
import { todayIn } from '../../core/datetime';
import type { Block } from '../../messages/model';
import type { Escalation } from '../../core/ports';
import type { StepEvent } from './pathway';
import { agendaSection, concernedName, countsBlocks, details, stepButtons, waitingBlocks, type OfferedStep } from './messages';
import { permits } from './steps';
import { threeWayBlocks } from './three-way';

export function schoolOf(services: Services, tenantId: number, e: Escalation): School {
  return services.people.schoolById(tenantId, e.schoolId)!;
}

export function auditView(services: Services, tenantId: number, e: Escalation, viewerId: number, how: string, now: Date): void {
  services.audit.audit(
    { tenantId, schoolId: e.schoolId, actorId: viewerId, action: 'escalation.view', subjectType: 'escalation', subjectId: e.id, detail: how },
    now,
  );
}

/** The actor a composed DM or an agenda is for (no request context there). */
export function actorOf(services: Services, tenantId: number, user: User): Actor {
  return { user, tenant: services.people.tenantById(tenantId)!, memberships: services.people.membershipsOf(tenantId, user.id) };
}

// ---- reading -----------------------------------------------------------------------------------------------

/** The steps a reader is offered on a listed escalation, in button order. */
function offeredSteps(ctx: RequestContext, school: School, e: Escalation): OfferedStep[] {
  const may = (event: StepEvent): boolean => permits(ctx.actor, ctx.now, event, e, school);
  const steps: OfferedStep[] = [];
  if (may('raise.ask')) steps.push('raise.ask');
  if (may('worked-out')) steps.push('worked-out');
  // Acknowledge is offered where it means something: an urgent one nobody has acknowledged yet.
  if (e.urgent && !e.acknowledgedAt && may('acknowledge')) steps.push('acknowledge');
  if (may('outcome.open')) steps.push('outcome.open');
  if (may('withdraw')) steps.push('withdraw');
  return steps;
}

/** The open escalations the actor may read, each view audited, with the admins' counts by category and stage. */
export function openEscalations(ctx: RequestContext): { shown: number; blocks: Block[]; counts: Block[] } {
  const { escalations } = ctx.services;
  const tenantId = ctx.actor.tenant.id;
  const schoolIds = [...new Set(ctx.actor.memberships.map((m) => m.schoolId))];
  const blocks: Block[] = [];
  const counts: Block[] = [];
  let shown = 0;
  for (const id of schoolIds) {
    const school = ctx.services.people.schoolById(tenantId, id)!;
    const waiting: Escalation[] = [];
    for (const e of escalations.openOfSchool(tenantId, school.id)) {
      const reach = escalationReach(ctx.actor, school, e, ctx.now);
      if (reach === 'summary') waiting.push(e);
      if (reach !== 'details') continue;
      ctx.audit({ schoolId: e.schoolId, action: 'escalation.view', subjectType: 'escalation', subjectId: e.id, detail: 'escalations' });
      blocks.push(
        ...details(ctx.services, tenantId, e, ctx.now),
        ...stepButtons(e, offeredSteps(ctx, school, e)),
        ...threeWayBlocks(ctx.actor, ctx.now, e, school, concernedName(ctx.services, tenantId, e), true),
        { type: 'divider' },
      );
      shown += 1;
    }
    blocks.push(...waitingBlocks(school.name, waiting));
    // Admins (and leaders) also get the counts: by category and stage, never the text.
    if (hasRole(ctx.actor, school.id, 'admin') && decide('escalation.count', ctx.actor, school).allowed) {
      counts.push(...countsBlocks(school.name, escalations.countsOfSchool(tenantId, school.id)));
    }
  }
  return { shown, blocks, counts };
}

/** The Escalations section of a partnership's agenda: how many, and each one, for readers the policy allows. */
export function agendaEscalations(services: Services, { tenantId, partnership, school, occurrence, viewer, now }: AgendaSectionInput): Block[] {
  const until = todayIn(occurrence?.startsAt ?? now, school.timeZone);
  const actor = actorOf(services, tenantId, viewer);
  const listed = services.escalations.forAgenda(tenantId, partnership.id, until);
  const visible = listed.filter((e) => escalationReach(actor, school, e, now) === 'details');
  const waiting = listed.filter((e) => escalationReach(actor, school, e, now) === 'summary');
  if (visible.length + waiting.length === 0) return [];
  for (const e of visible) auditView(services, tenantId, e, viewer.id, 'agenda', now);
  return agendaSection(services, tenantId, visible, waiting, (e) => threeWayBlocks(actor, now, e, school, concernedName(services, tenantId, e)));
}
