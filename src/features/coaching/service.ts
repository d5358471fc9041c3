/**
 * Coaching requests: labels, which school a request is for, who its coaches are, when a nudge is
 * due, and the aggregate view leaders get. Confidentiality (DESIGN.md §1 rule 3) is decided by
 * the policy; this file only ever hands a leader what `requestFieldsForLeader` and
 * `aggregateCount` let through.
 */
import { format } from 'date-fns';
import type { RequestContext, Services } from '../../core/context';
import type { Actor, School, User } from '../../core/model';
import { Refusal } from '../../core/errors';
import {
  aggregateCount, canSeeCoachingDemand, hasRole, requestFieldsForLeader, type CoachingRequestFacts, type Decision, type LeaderRequestFields,
} from '../../core/policy';
import {
  WEEKDAY_LABELS, formatLocalDate, localToUtc, minutesOfDay, timeFromMinutes, toLocal, todayIn, type LocalDate,
} from '../../core/datetime';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { stripMarkup } from '../../messages/markup';
import { closureOn, schoolDaysAfter } from '../../core/school-calendar';
import {
  TOPICS, type CoachingRequest, type Format, type Helpful, type OfficeHour,
  type RequestStatus, type Topic,
} from '../../core/ports';

export const TOPIC_LABELS: Record<Topic, string> = {
  classroom_management: 'Classroom management',
  engagement: 'Student engagement',
  assessment: 'Assessment and data',
  curriculum: 'Curriculum and planning',
  differentiation: 'Differentiation',
  technology: 'Technology',
  other: 'Other',
};

/** Words people type for a topic in `request [topic] [details]` (form values are the keys themselves). */
export const TOPIC_WORDS: Record<string, Topic> = {
  'classroom-management': 'classroom_management', classroom_management: 'classroom_management', classroom: 'classroom_management',
  management: 'classroom_management', behavior: 'classroom_management', behaviour: 'classroom_management',
  engagement: 'engagement', 'student-engagement': 'engagement',
  assessment: 'assessment', data: 'assessment', 'assessment-and-data': 'assessment',
  curriculum: 'curriculum', planning: 'curriculum', 'curriculum-and-planning': 'curriculum',
  differentiation: 'differentiation',
  technology: 'technology', tech: 'technology',
  other: 'other',
};
/** The topic a typed word names, if any (own keys only: `constructor` is not a topic). */
export function topicOf(word: string): Topic | undefined {
  const w = word.trim().toLowerCase();
  return Object.hasOwn(TOPIC_WORDS, w) ? TOPIC_WORDS[w] : undefined;
}
export const TOPIC_HINT = 'classroom-management, engagement, assessment, curriculum, differentiation, technology, other';

export const FORMAT_LABELS: Record<Format, string> = {
  observe: 'Observe and debrief',
  co_plan: 'Co-plan',
  co_teach: 'Co-teach',
  model: 'Model lesson',
  talk: 'Just talk it through',
};

export const STATUS_LABELS: Record<RequestStatus, string> = {
  draft: 'not sent yet',
  open: 'waiting for a coach',
  in_progress: 'in conversation with a coach',
  accepted: 'accepted, session proposed',
  declined: 'declined',
  withdrawn: 'withdrawn',
  done: 'done',
};

export const HELPFUL_LABELS: Record<Helpful, string> = { yes: 'Yes', somewhat: 'Somewhat', not_really: 'Not really' };

/** Limits on what people type: long enough to say it, short enough for every platform's DM. */
export const DETAILS_MAX = 1500;
export const ANSWER_MAX = 1000;
export const TIMES_MAX = 200;

/** The placeholder an erased teacher's user row keeps. */
export const FORGOTTEN_NAME = 'Former teacher';

export const facts = (r: CoachingRequest): CoachingRequestFacts => ({ schoolId: r.schoolId, teacherId: r.teacherId, shared: r.shared, status: r.status, coachId: r.coachId });

/** A request id as typed or carried by a button: `12` or `#12`. */
export function parseRequestId(value: string): number | undefined {
  const n = Number(value.trim().replace(/^#/, ''));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Loads a request and checks the policy; whatever the reason (no such id, another tenant, not
 * yours), the answer is the same line, so a forged id learns nothing.
 */
export function loadRequest(ctx: RequestContext, value: string, check: (actor: Actor, school: School, r: CoachingRequestFacts) => Decision): { request: CoachingRequest; school: School } {
  const tenantId = ctx.actor.tenant.id;
  const id = parseRequestId(value);
  const request = id === undefined ? undefined : ctx.services.coaching.byId(tenantId, id);
  const school = request && ctx.services.people.schoolById(tenantId, request.schoolId);
  if (!request || !school) throw new Refusal('There is no such coaching request you can see.');
  const decision = check(ctx.actor, school, facts(request));
  if (!decision.allowed) throw new Refusal(decision.reason);
  return { request, school };
}

/** The coaches a request goes to: the school's coaches, never the teacher themself (a coach who teaches asks another coach). */
export function coachesFor(services: Services, tenantId: number, school: School, teacherId: number): User[] {
  return services.people.schoolMembers(tenantId, school.id, ['coach']).filter((c) => c.id !== teacherId);
}

/** Who hears about a request now: the coach who took it up, or else every coach of the school. */
export function coachesToTell(services: Services, tenantId: number, school: School, r: CoachingRequest): User[] {
  const taken = r.coachId !== null ? services.people.userById(tenantId, r.coachId) : undefined;
  return taken ? [taken] : coachesFor(services, tenantId, school, r.teacherId);
}

/**
 * The schools a person may ask at: where they teach; with no role in the workspace yet, any of
 * its schools (sending the first request makes them a teacher there — their own act). Anyone
 * holding only other roles is refused: no one asks on a teacher's behalf.
 */
export function requestSchools(ctx: RequestContext): { schools: School[]; joining: boolean } {
  const tenantId = ctx.actor.tenant.id;
  const teaching = [...new Set(ctx.actor.memberships.filter((m) => m.role === 'teacher').map((m) => m.schoolId))]
    .map((id) => ctx.services.people.schoolById(tenantId, id)).filter((s): s is School => s !== undefined);
  if (teaching.length > 0) return { schools: teaching, joining: false };
  if (ctx.actor.memberships.length > 0) {
    const m = ctx.actor.memberships[0];
    const where = ctx.services.people.schoolById(tenantId, m.schoolId)?.name ?? 'your school';
    throw new Refusal(`Coaching requests come from teachers, for themselves: you are ${m.role === 'assistant_principal' ? 'an assistant principal' : m.role === 'admin' ? 'an admin' : `the ${m.role === 'coach' ? 'coach' : 'principal'}`} at ${where}, and no one can ask on a teacher’s behalf or assign coaching. If you also teach there, you need the teacher role at the school.${hasRole(ctx.actor, m.schoolId, 'coach') ? ' Your queue: /coaching queue.' : ''}`);
  }
  const all = ctx.services.people.schoolsOfTenant(tenantId);
  if (all.length === 0) throw new Refusal('No school is set up on Touchpoint in this workspace yet, so there is no coach to ask. Your principal starts one with /touchpoint setup.');
  return { schools: all, joining: true };
}

export const isoWeekdayShort = (weekday: OfficeHour['weekday']): string => WEEKDAY_LABELS[weekday].slice(0, 3);
export const slotLabel = (h: OfficeHour): string => `${isoWeekdayShort(h.weekday)} ${h.start}–${h.end}`;

/** Office-hour slots of the coaches of these schools, as form choices (the label is what is stored). */
export function officeHourChoices(services: Services, tenantId: number, schools: School[], teacherId: number): { value: string; label: string }[] {
  const out: { value: string; label: string }[] = [];
  for (const school of schools) {
    for (const coach of coachesFor(services, tenantId, school, teacherId)) {
      for (const h of services.coaching.officeHours(tenantId, coach.id)) {
        const label = `${coach.displayName}: ${slotLabel(h)}${schools.length > 1 ? ` (${school.name})` : ''}`;
        if (!out.some((c) => c.value === label)) out.push({ value: label, label });
      }
    }
  }
  return out;
}

/** `Mon 23 Nov 2026`, the local date of an instant at the school. */
export const dayOf = (instant: Date, school: School): string => formatLocalDate(todayIn(instant, school.timeZone));

/** "November 2026" for the month an instant falls in at the school. */
export function monthOf(instant: Date, school: School): string {
  const [y, m] = todayIn(instant, school.timeZone).split('-').map(Number);
  return format(new Date(y, m - 1, 1), 'MMMM yyyy');
}

/**
 * When an unanswered request's nudge is due: on the second school day (weekday, not a closure)
 * after it was sent, at the time it was sent, kept within the school day.
 */
export function nudgeDueAt(services: Services, tenantId: number, school: School, submittedAt: Date): Date {
  const closures = services.calendar.closuresOfSchool(tenantId, school.id);
  const sent = toLocal(submittedAt, school.timeZone);
  const date: LocalDate = schoolDaysAfter(sent.date, 2, (d) => closureOn(closures, d) !== undefined);
  const minutes = Math.min(Math.max(minutesOfDay(sent.time), minutesOfDay(school.dayStart)), minutesOfDay(school.dayEnd));
  return localToUtc(date, timeFromMinutes(minutes), school.timeZone);
}

// ---- what leaders see --------------------------------------------------------------------------------

/** One shared request as a leader sees it: topic, teacher, status, dates — nothing else exists in it. */
export function leaderLine(f: LeaderRequestFields, school: School): string {
  const topic = TOPIC_LABELS[f.topic as Topic] ?? f.topic;
  const status = STATUS_LABELS[f.status as RequestStatus] ?? f.status;
  const sent = dayOf(f.submittedAt, school);
  const updated = dayOf(f.updatedAt, school);
  return `${topic} — ${f.teacherName} — ${status} — sent ${sent}${updated !== sent ? `, updated ${updated}` : ''}`;
}

/** What a principal learns from an unshared request: that it adds one to a monthly count by topic. */
export function unsharedLine(topic: Topic, month: string): string {
  return `Only that one request about ${TOPIC_LABELS[topic]} adds to the count for ${month}. While that count is under 3 it shows as "fewer than 3". Not your name, not what you wrote, not its status.`;
}

const DEMAND_MONTHS = 3;

/** The first instant of the month `back` months before the one `now` falls in, at the school. */
function monthStart(now: Date, school: School, back: number): { start: Date; key: string } {
  const [y, m] = todayIn(now, school.timeZone).split('-').map(Number);
  const index = y * 12 + (m - 1) - back;
  const key = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
  return { start: localToUtc(`${key}-01`, '00:00', school.timeZone), key };
}

/** The aggregate for one school, as a leader may see it: counts by month and topic, and the shared requests. */
export interface SchoolDemand {
  school: School;
  months: { label: string; counts: { topic: Topic; count: string }[] }[];
  shared: LeaderRequestFields[];
}

/**
 * The school's demand over the last three months, or null when the actor may not see it. Every
 * count passes through `aggregateCount` (under 3: "fewer than 3"); there are no totals, because a
 * total beside the shown counts would give the hidden ones away. Shared requests pass through
 * `requestFieldsForLeader`: topic, teacher, status, dates — nothing else leaves this function.
 */
export function schoolDemand(services: Services, actor: Actor, school: School, now: Date): SchoolDemand | null {
  if (!canSeeCoachingDemand(actor, school).allowed) return null;
  const tenantId = school.tenantId;
  const months = Array.from({ length: DEMAND_MONTHS }, (_, i) => monthStart(now, school, i));
  const since = months[months.length - 1].start;
  const counts = new Map<string, number>();
  for (const row of services.coaching.unsharedDemandSince(tenantId, school.id, since)) {
    const key = `${todayIn(row.submittedAt, school.timeZone).slice(0, 7)}:${row.topic}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const shared = services.coaching.sharedSince(tenantId, school.id, since)
    .map((r) => requestFieldsForLeader(r, services.people.userById(tenantId, r.teacherId)?.displayName ?? 'a teacher'))
    .filter((f): f is LeaderRequestFields => f !== null);
  return {
    school,
    months: months.map((m) => ({ label: monthOf(m.start, school), counts: TOPICS.map((t) => ({ topic: t, count: aggregateCount(counts.get(`${m.key}:${t}`) ?? 0) })) })),
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
    blocks.push({ type: 'context', text: esc('Requests not shared with you, by topic and month; a count under 3 shows as "fewer than 3". What each teacher asked stays between them and the coaches. Shared requests are listed below.') });
    for (const month of demand.months) {
      blocks.push({ type: 'text', text: `**${esc(month.label)}**` });
      blocks.push({ type: 'fields', fields: month.counts.map((c) => ({ label: esc(TOPIC_LABELS[c.topic]), value: esc(c.count) })) });
    }
    blocks.push({ type: 'text', text: '**Shared with you by teachers**' });
    blocks.push(demand.shared.length
      ? { type: 'list', items: demand.shared.map((f) => esc(leaderLine(f, school))) }
      : { type: 'context', text: 'No teacher has shared a request with you in these months.' });
  }
  return blocks;
}

/** The export's coaching section: the same aggregate as the report, as data. */
export function coachingExportSection(services: Services, actor: Actor, school: School, now: Date): Record<string, unknown> {
  const demand = schoolDemand(services, actor, school, now);
  if (!demand) return {};
  return {
    coachingDemand: {
      rule: 'Monthly counts of coaching requests by topic; a count under 3 shows as "fewer than 3". Request text is never exported.',
      months: demand.months.map((m) => ({ month: m.label, byTopic: Object.fromEntries(m.counts.map((c) => [TOPIC_LABELS[c.topic], c.count])) })),
      sharedByTeachers: demand.shared.map((f) => ({
        topic: TOPIC_LABELS[f.topic as Topic] ?? f.topic, teacher: f.teacherName, status: STATUS_LABELS[f.status as RequestStatus] ?? f.status,
        sent: todayIn(f.submittedAt, school.timeZone), updated: todayIn(f.updatedAt, school.timeZone),
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
      case 'header': case 'text': case 'context': return stripMarkup(b.text);
      case 'fields': return b.fields.map((f) => `${stripMarkup(f.label)}: ${stripMarkup(f.value)}`).join('; ');
      case 'list': return b.items.map((i) => `- ${stripMarkup(i)}`).join('\n');
      default: return '';
    }
  });
  return { text: lines.filter((l) => l !== '').join('\n'), blocks };
}
