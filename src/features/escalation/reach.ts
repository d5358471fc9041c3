/**
 * An urgent escalation goes down a chain until someone is reached (DESIGN.md §5 "Reach"): the
 * school's principals, then its assistant principals, then the workspace's admins. People already
 * known to be unreachable are passed over; a page that cannot be delivered moves it on at once.
 * The raising coach always learns who was reached, or that nobody was. Admins are told that an
 * urgent escalation waits and where, never its text (DESIGN.md §1: admins see counts only).
 */
import type { Services } from '../../core/context';
import type { School, User } from '../../core/model';
import type { Escalation, OutboxRow } from '../../core/ports';
import { undeliveredTo } from '../../core/reach';
import { formatInstant } from '../../core/datetime';
import { textMessage } from '../../messages/reply';
import { escapeMarkup as esc, type Message } from '../../messages/model';
import { CATEGORY_LABELS, nobodyReached, type Tier } from './messages';
import { OUTBOX_KINDS, pendingPrefix } from './pathway';

/** The admin tier's DM: an urgent escalation waits, where and from whom; no text. */
export const ADMIN_ALERT_KIND = 'escalation.urgent.admin';
const NOTICE_KIND = 'escalation.reach';

const TIERS: Tier[] = ['principals', 'assistant principals', 'admins'];

/** The chain for a school: each tier's people, without the raising coach or anyone in an earlier tier. */
export function pagingChain(services: Services, tenantId: number, school: School, coachId: number | null): { tier: Tier; people: User[] }[] {
  const seen = new Set<number>(coachId !== null ? [coachId] : []);
  const fresh = (users: User[]): User[] => users.filter((u) => !seen.has(u.id) && (seen.add(u.id), true));
  return [
    { tier: TIERS[0], people: fresh(services.people.schoolMembers(tenantId, school.id, ['principal'])) },
    { tier: TIERS[1], people: fresh(services.people.schoolMembers(tenantId, school.id, ['assistant_principal'])) },
    { tier: TIERS[2], people: fresh(services.people.tenantAdmins(tenantId)) },
  ];
}

/** The first tier, from `from` on, with someone not known to be unreachable; those people. */
export function reachableTier(
  services: Services,
  tenantId: number,
  chain: { tier: Tier; people: User[] }[],
  from = 0,
): { index: number; tier: Tier; people: User[] } | undefined {
  for (let index = from; index < chain.length; index++) {
    const people = chain[index].people.filter((u) => !services.people.unreachable(tenantId, u.id));
    if (people.length > 0) return { index, tier: chain[index].tier, people };
  }
  return undefined;
}

/** Plans one composed DM (a request's `ctx.schedule`, or the outbox directly in a delivery reaction). */
export type Schedule = (recipient: User, kind: string, compose: Record<string, number>, dedupeKey: string) => void;

/** Queues the first urgent DM to a tier: the escalation itself to leaders, a neutral alert to admins. */
export function pageTier(schedule: Schedule, e: Escalation, tier: Tier, people: User[]): void {
  for (const u of people) {
    schedule(u, tier === 'admins' ? ADMIN_ALERT_KIND : OUTBOX_KINDS.urgent, { escalationId: e.id }, `${pendingPrefix(e.id, OUTBOX_KINDS.urgent)}u${u.id}`);
  }
}

const outboxSchedule =
  (services: Services, tenantId: number, now: Date): Schedule =>
  (recipient, kind, compose, dedupeKey) => {
    services.outbox.plan({ tenantId, recipientId: recipient.id, kind, dedupeKey, message: { text: '', blocks: [] }, compose, dueAt: now }, now);
  };

export function adminAlert(services: Services, row: OutboxRow): Message | null {
  const e = services.escalations.byId(row.tenantId, Number(row.compose?.escalationId));
  if (!e || e.acknowledgedAt || e.stage !== 'urgent') return null;
  const school = services.people.schoolById(row.tenantId, e.schoolId);
  const coach = e.coachId !== null ? services.people.userById(row.tenantId, e.coachId) : undefined;
  if (!school) return null;
  return textMessage(`Urgent escalation at ${school.name} (${CATEGORY_LABELS[e.category]}): no principal or assistant principal could be reached.`, {
    type: 'context',
    text: esc(`Contact the school’s leadership${coach ? ` or ${coach.displayName}, who raised it,` : ''} now. As an admin you are not shown what it says.`),
  });
}

/** Tells the raising coach (each notice once). */
function tellCoach(services: Services, e: Escalation, tenantId: number, key: string, message: Message, now: Date): void {
  if (e.coachId === null) return;
  services.outbox.enqueue({ tenantId, recipientId: e.coachId, kind: NOTICE_KIND, dedupeKey: `${pendingPrefix(e.id)}reach:${key}`, message, dueAt: now }, now);
}

const urgentOf = (services: Services, row: OutboxRow): Escalation | undefined => {
  const e = services.escalations.byId(row.tenantId, Number(row.compose?.escalationId));
  return e && e.stage === 'urgent' && !e.acknowledgedAt ? e : undefined;
};

/** A page reached someone: the coach hears who, and when. */
export function urgentDelivered(services: Services, row: OutboxRow, now: Date): void {
  const e = urgentOf(services, row);
  const person = services.people.userById(row.tenantId, row.recipientId);
  const school = e && services.people.schoolById(row.tenantId, e.schoolId);
  if (!e || !person || !school) return;
  const at = formatInstant(now, school.timeZone, true);
  tellCoach(
    services,
    e,
    row.tenantId,
    `reached:${person.id}`,
    textMessage(`Your urgent escalation #${e.id} reached ${person.displayName} (${at}). You will hear when it is acknowledged.`),
    now,
  );
}

/** A page could not be delivered: once nobody in that tier can get it, the next tier is paged at once. */
export function urgentUndeliverable(services: Services, row: OutboxRow, reason: string, now: Date): void {
  const e = urgentOf(services, row);
  const undelivered = undeliveredTo(services, row, reason);
  const school = e && services.people.schoolById(row.tenantId, e.schoolId);
  if (!e || !undelivered || !school) return;
  const { person, advice } = undelivered;
  const chain = pagingChain(services, row.tenantId, school, e.coachId);
  const index = chain.findIndex((t) => t.people.some((u) => u.id === person.id));
  // Others of the same tier who may still get it: wait for them.
  const prefix = pendingPrefix(e.id, OUTBOX_KINDS.urgent);
  const others = index < 0 ? [] : chain[index].people.filter((u) => u.id !== person.id);
  const stillPossible = others.some((u) => {
    const other = services.outbox.byDedupeKey(`${prefix}u${u.id}`);
    return other !== undefined && other.status !== 'dead' && other.status !== 'cancelled' && other.status !== 'expired';
  });
  if (stillPossible) {
    tellCoach(
      services,
      e,
      row.tenantId,
      `missed:${person.id}`,
      textMessage(`Your urgent escalation #${e.id} could not reach ${person.displayName}: ${advice}.`),
      now,
    );
    return;
  }
  const next = reachableTier(services, row.tenantId, chain, index + 1);
  if (next) {
    pageTier(outboxSchedule(services, row.tenantId, now), e, next.tier, next.people);
    tellCoach(
      services,
      e,
      row.tenantId,
      `missed:${person.id}`,
      textMessage(
        `Your urgent escalation #${e.id} could not reach ${person.displayName}: ${advice}. It went to the ${next.tier} now: ${next.people.map((u) => u.displayName).join(', ')}.`,
      ),
      now,
    );
    return;
  }
  tellCoach(services, e, row.tenantId, 'nobody', nobodyReached(e, school), now);
}
