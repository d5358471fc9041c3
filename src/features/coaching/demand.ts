/**
 * What leaders get of coaching: the aggregate demand of a school — counts by topic for closed
 * months, frozen when each month ends, and the requests teachers chose to share — as blocks for
 * `/touchpoint report`, as one message, and as export data. Confidentiality (DESIGN.md §1 rule 3)
 * is decided by the policy: this file only ever hands a leader what `requestFieldsForLeader` and
 * `aggregateCount` let through. Frozen months are what keep the counts from being differenced: a
 * count a leader saw before someone's erasure is the count they see after it.
 */
import type { RequestContext, Services } from '../../core/context';
import type { Actor, School } from '../../core/model';
import { FEWER_THAN_MIN, aggregateCount, decide, requestFieldsForLeader, type LeaderRequestFields } from '../../core/policy';
import { localToUtc, todayIn } from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { stripMarkup } from '../../messages/markup';
import { TOPICS, type RequestStatus, type Topic } from '../../core/ports';
import { STATUS_LABELS, TOPIC_LABELS, dayOf, monthOf } from './labels';

/** One shared request as a leader sees it: topic, teacher, status, dates — nothing else exists in it. */
export function leaderLine(f: LeaderRequestFields, school: School): string {
  const topic = TOPIC_LABELS[f.topic as Topic] ?? f.topic;
  const status = STATUS_LABELS[f.status as RequestStatus] ?? f.status;
  const sent = dayOf(f.submittedAt, school);
  const updated = dayOf(f.updatedAt, school);
  return `${topic} — ${f.teacherName} — ${status} — sent ${sent}${updated !== sent ? `, updated ${updated}` : ''}`;
}

/** What a principal learns from an unshared request: that it adds one to a monthly count by topic, shown once the month is over. */
export function unsharedLine(topic: Topic, month: string): string {
  return `Only that one request about ${TOPIC_LABELS[topic]} adds to the count for ${month}, shown to your principal once that month is over. While that count is under 3 it shows as "fewer than 3". Not your name, not what you wrote, not its status.`;
}

/** How many closed months a leader sees. */
const DEMAND_MONTHS = 3;
/** Further back than the oldest month shown can start, in any time zone: the freezing planner's window. */
const WINDOW_MS = (DEMAND_MONTHS + 2) * 31 * 86_400_000;

interface MonthAtSchool {
  /** YYYY-MM in the school's time zone. */
  key: string;
  /** Its first instant at the school. */
  start: Date;
}

/** The month `back` months before the one `now` falls in, at the school. */
function monthBefore(now: Date, school: School, back: number): MonthAtSchool {
  const [y, m] = todayIn(now, school.timeZone).split('-').map(Number);
  const index = y * 12 + (m - 1) - back;
  const key = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  return { key, start: localToUtc(`${key}-01`, '00:00', school.timeZone) };
}

/**
 * The months a leader sees: the last three that have closed, newest first — never the current one,
 * whose count still moves as requests come in and go (a count watched while it moves gives away
 * whoever made it move).
 */
function closedMonths(now: Date, school: School): MonthAtSchool[] {
  return Array.from({ length: DEMAND_MONTHS }, (_, i) => monthBefore(now, school, i + 1));
}

const noCounts = (): Record<Topic, number> => Object.fromEntries(TOPICS.map((t) => [t, 0])) as Record<Topic, number>;

/**
 * Freezes every closed month of the school's window that is not frozen yet: its counts of unshared
 * requests by topic, as they stand now, stored once and never rewritten. Runs before anything that
 * could change a closed month's count (a withdrawal, a share, forget-me, retention) and from the
 * scheduler, so a month is frozen as it closed, and a later erasure cannot be read off a difference.
 * Returns how many months it froze.
 */
export function freezeClosedDemand(services: Services, school: School, now: Date): number {
  const tenantId = school.tenantId;
  const open = closedMonths(now, school).filter((m) => !services.coaching.demandSnapshot(tenantId, school.id, m.key));
  if (open.length === 0) return 0;
  const counts = new Map(open.map((m) => [m.key, noCounts()]));
  for (const row of services.coaching.unsharedDemandSince(tenantId, school.id, open[open.length - 1].start)) {
    const month = counts.get(todayIn(row.submittedAt, school.timeZone).slice(0, 7));
    if (month) month[row.topic] += 1;
  }
  let frozen = 0;
  for (const m of open) if (services.coaching.freezeDemand(tenantId, school.id, m.key, counts.get(m.key)!, now)) frozen += 1;
  return frozen;
}

/** Freezes the closed months of every school a person asked at or belongs to: before their requests are erased. */
export function freezeDemandOfPerson(services: Services, tenantId: number, userId: number, now: Date): void {
  const schoolIds = new Set([
    ...services.people.membershipsOf(tenantId, userId).map((m) => m.schoolId),
    ...services.coaching.ofTeacher(tenantId, userId).map((r) => r.schoolId),
  ]);
  for (const id of schoolIds) {
    const school = services.people.schoolById(tenantId, id);
    if (school) freezeClosedDemand(services, school, now);
  }
}

/** Freezes the closed months of every school, in every tenant, that had requests in the window (the others have nothing to change). */
export function freezeAllClosedDemand(services: Services, now: Date): void {
  for (const { tenantId, schoolId } of services.coaching.schoolsWithDemandSince(new Date(now.getTime() - WINDOW_MS))) {
    const school = services.people.schoolById(tenantId, schoolId);
    if (school) freezeClosedDemand(services, school, now);
  }
}

/** The aggregate for one school, as a leader may see it: counts by closed month and topic, and the shared requests. */
export interface SchoolDemand {
  school: School;
  /** `withRequests`: whether the month had any request at all (a month without any is not shown in the report). */
  months: { label: string; withRequests: boolean; counts: { topic: Topic; count: string }[] }[];
  shared: LeaderRequestFields[];
}

/**
 * The school's demand over the last three closed months, or null when the actor may not see it.
 * Each month's counts are its frozen snapshot (frozen here if nothing needed it before), and every
 * count passes through `aggregateCount` (under 3: "fewer than 3"); there are no totals, because a
 * total beside the shown counts would give the hidden ones away. Shared requests pass through
 * `requestFieldsForLeader`: topic, teacher, status, dates — nothing else leaves this function.
 */
export function schoolDemand(services: Services, actor: Actor, school: School, now: Date): SchoolDemand | null {
  if (!decide('coaching.demand', actor, school).allowed) return null;
  const tenantId = school.tenantId;
  freezeClosedDemand(services, school, now);
  const months = closedMonths(now, school);
  const since = months[months.length - 1].start;
  const shared = services.coaching
    .sharedSince(tenantId, school.id, since)
    .map((r) => requestFieldsForLeader(r, services.people.userById(tenantId, r.teacherId)?.displayName ?? 'a teacher'))
    .filter((f): f is LeaderRequestFields => f !== null);
  return {
    school,
    months: months.map((m) => {
      const frozen = services.coaching.demandSnapshot(tenantId, school.id, m.key)?.counts ?? noCounts();
      return {
        label: monthOf(m.start, school),
        withRequests: TOPICS.some((t) => frozen[t] > 0),
        counts: TOPICS.map((t) => ({ topic: t, count: aggregateCount(frozen[t]) })),
      };
    }),
    shared,
  };
}

/**
 * For `/touchpoint report`: for each school where the actor is principal, AP (or admin), the
 * requests by topic and month, then the requests teachers chose to share (see `schoolDemand`).
 */
export function coachingDemandBlocks(ctx: RequestContext): Block[] {
  const blocks: Block[] = [];
  for (const schoolId of [...new Set(ctx.actor.memberships.map((m) => m.schoolId))]) {
    const school = ctx.services.people.schoolById(ctx.actor.tenant.id, schoolId);
    const demand = school && schoolDemand(ctx.services, ctx.actor, school, ctx.now);
    if (!school || !demand) continue;
    blocks.push({ type: 'header', text: `Coaching demand — ${esc(school.name)}` });
    blocks.push({
      type: 'context',
      text: esc(
        'Closed months only, frozen when the month ends: a count under 3 shows as "fewer than 3", and a month once shown does not change, whatever is withdrawn or erased later. Requests not shared with you, by topic. What each teacher asked stays between them and the coaches. Shared requests are listed below.',
      ),
    });
    blocks.push(...monthBlocks(demand));
    blocks.push({ type: 'text', text: '**Shared with you by teachers**' });
    blocks.push(
      demand.shared.length
        ? { type: 'list', items: demand.shared.map((f) => esc(leaderLine(f, school))) }
        : { type: 'context', text: 'No teacher has shared a request with you in these months.' },
    );
  }
  return blocks;
}

/**
 * The months with requests, each as briefly as it can be said: the topics counted at 3 or more,
 * then the rest in one line ("All topics: fewer than 3 each" when none reached 3).
 */
function monthBlocks(demand: SchoolDemand): Block[] {
  const shown = demand.months.filter((m) => m.withRequests);
  if (shown.length === 0) return [{ type: 'context', text: 'No coaching requests in these months.' }];
  return shown.flatMap((month): Block[] => {
    const counted = month.counts.filter((c) => c.count !== FEWER_THAN_MIN);
    const rest = counted.length === 0 ? 'All topics' : 'Other topics';
    const fields = [
      ...counted.map((c) => ({ label: esc(TOPIC_LABELS[c.topic]), value: esc(c.count) })),
      ...(counted.length < month.counts.length ? [{ label: rest, value: esc(`${FEWER_THAN_MIN} each`) }] : []),
    ];
    return [
      { type: 'text', text: `**${esc(month.label)}**` },
      { type: 'fields', fields },
    ];
  });
}

/** The export's coaching section: the same aggregate as the report, as data. */
export function coachingExportSection(services: Services, actor: Actor, school: School, now: Date): Record<string, unknown> {
  const demand = schoolDemand(services, actor, school, now);
  if (!demand) return {};
  return {
    coachingDemand: {
      rule: 'Monthly counts of coaching requests not shared with leaders, by topic, for closed months only, frozen when the month ends (later withdrawals or erasures do not change them); a count under 3 shows as "fewer than 3". Request text is never exported.',
      months: demand.months.map((m) => ({ month: m.label, byTopic: Object.fromEntries(m.counts.map((c) => [TOPIC_LABELS[c.topic], c.count])) })),
      sharedByTeachers: demand.shared.map((f) => ({
        topic: TOPIC_LABELS[f.topic as Topic] ?? f.topic,
        teacher: f.teacherName,
        status: STATUS_LABELS[f.status as RequestStatus] ?? f.status,
        sent: todayIn(f.submittedAt, school.timeZone),
        updated: todayIn(f.updatedAt, school.timeZone),
      })),
    },
  };
}

/** The same as one message, or null when the actor leads no school (the report adds it when present). */
export function coachingDemandMessage(ctx: RequestContext): Message | null {
  const blocks = coachingDemandBlocks(ctx);
  if (blocks.length === 0) return null;
  const lines = blocks.map((b) => {
    switch (b.type) {
      case 'header':
      case 'text':
      case 'context':
        return stripMarkup(b.text);
      case 'fields':
        return b.fields.map((f) => `${stripMarkup(f.label)}: ${stripMarkup(f.value)}`).join('; ');
      case 'list':
        return b.items.map((i) => `- ${stripMarkup(i)}`).join('\n');
      case 'actions':
      case 'divider':
      case 'form':
      default:
        return '';
    }
  });
  return { text: lines.filter((l) => l !== '').join('\n'), blocks };
}
