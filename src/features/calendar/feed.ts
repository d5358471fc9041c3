/**
 * A person's private iCalendar feed: each touch-point series they are in, as one recurring
 * event in the school's time zone (with its VTIMEZONE), the dates that will not happen as
 * EXDATEs, and moved occurrences as overrides (RECURRENCE-ID of the original slot). Calendars
 * are synced to other services, so an event says who meets and how many agenda items there
 * are — never what the items, escalations or coaching requests say. A past meeting carries its
 * shared notes and next steps (what both people already read); never a private note.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import ical, { ICalEventRepeatingFreq } from 'ical-generator';
import { TZDate } from '@date-fns/tz';
import type { Services } from '../../core/context';
import type { Actor, Occurrence, OccurrenceStatus } from '../../core/model';
import type { Clock } from '../../core/ports';
import { canHaveCalendarFeed, canSeeInCalendarFeed } from '../../core/policy';
import { addDays, localToUtc, toLocal, todayIn, type LocalDate } from '../../core/datetime';
import { sendJson, type RouteHandler } from '../../http/server';
import { SECTIONS } from '../../core/ports';
import type { FeedSeries } from '../../core/ports';
import { describeOccurrence, ruleOf, viewOf, type SeriesView } from '../booking/service';
import { isSlotDate, nextSlots, slotFor, slotsBetween, type Slot } from '../booking/recurrence';
import { SECTION_LABELS } from '../agenda/service';
import { feedMeetingNotes } from '../agenda/history';
import { vtimezone } from './vtimezone';
import { sessionFeedEvents } from '../coaching';

/** Statuses whose slot does not take place: an EXDATE in the feed. */
export const EXCLUDED_STATUSES: ReadonlySet<OccurrenceStatus> = new Set(['skipped', 'closed', 'paused', 'cancelled']);

/** The path of a feed: `/calendar/<token>.ics`. */
export const FEED_PATH = /^\/calendar\/([A-Za-z0-9_-]{20,64})\.ics$/;

export const feedUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/+$/, '')}/calendar/${token}.ics`;

/** A stable UID per series (overrides share it, as RFC 5545 requires). */
export const seriesUid = (tenantId: number, seriesId: number): string => `touchpoint-${tenantId}-series-${seriesId}@touchpoint`;

export const seriesSummary = (view: Pick<SeriesView, 'principal' | 'coach'>): string =>
  `Touch-point: ${view.principal.displayName} & ${view.coach.displayName}`;

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The next agenda as counts only: items by section (the escalations section is left out
 * entirely, counts included), priorities and open action items. Never a text.
 */
export function agendaCounts(services: Services, tenantId: number, partnershipId: number): string {
  const items = services.agenda.openItems(tenantId, partnershipId).filter((i) => i.section !== 'escalations');
  const bySection = SECTIONS.filter((s) => s !== 'escalations')
    .map((s) => [s, items.filter((i) => i.section === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${SECTION_LABELS[s]}`);
  const priorities = services.agenda.priorities(tenantId, partnershipId).length;
  const actions = services.agenda.openActions(tenantId, partnershipId).length;
  const itemsLine = items.length === 0 ? 'no items yet' : `${plural(items.length, 'item')} (${bySection.join(', ')})`;
  return `Next agenda so far: ${itemsLine}; ${plural(priorities, 'shared priority', 'shared priorities')}; ${plural(actions, 'open action item')}.`;
}

function description(services: Services, tenantId: number, view: SeriesView, next: Occurrence | undefined, ended: boolean): string {
  if (ended) return `This touch-point series has ended. Past notes are kept in Touchpoint.`;
  return [
    next ? `Next: ${describeOccurrence(next, view.school.timeZone)}.` : undefined,
    agendaCounts(services, tenantId, view.partnership.id),
    'See and add to the agenda in Touchpoint: /touchpoint agenda',
  ]
    .filter((l): l is string => l !== undefined)
    .join('\n');
}

interface SeriesPlan {
  view: SeriesView;
  series: FeedSeries;
  first: Slot;
  until?: Slot;
  exdates: Date[];
  overrides: { slot: Slot; occurrence: Occurrence }[];
  /** Meetings of the series' earlier slot (before a reschedule took effect), each an event of its own. */
  earlier: Occurrence[];
  /** Held meetings of the rule's slots (not moved): an override carries their shared notes and next steps. */
  held: { slot: Slot; occurrence: Occurrence }[];
  next?: Occurrence;
}

const later = (a: LocalDate, b: LocalDate): LocalDate => (a > b ? a : b);
const earlier = (a: LocalDate, b: LocalDate): LocalDate => (a < b ? a : b);

/**
 * What the feed says about one series, or nothing. The rule starts at the first slot after the
 * series was accepted. A cancelled series ends (UNTIL) at the last slot that began before it was
 * cancelled, so past meetings stay in people's calendars and the future ones go; one cancelled
 * before it ever met is left out.
 */
function planSeries(services: Services, tenantId: number, series: FeedSeries, view: SeriesView, now: Date): SeriesPlan | undefined {
  const rule = ruleOf(series, view.school);
  // The rule holds from the series' start date (a reschedule moves it to the change's date); the
  // meetings before that kept the slot they had, and are listed one by one.
  const ruleFrom = new Date(Math.max((series.decidedAt ?? series.createdAt).getTime(), localToUtc(series.startDate, '00:00', view.school.timeZone).getTime()));
  const first = nextSlots(rule, ruleFrom, 1)[0];
  const earlierMeetings =
    first.originalDate > '0000-01-01'
      ? services.series.occurrencesInDates(tenantId, series.id, '0000-01-01', addDays(first.originalDate, -1)).filter((o) => !EXCLUDED_STATUSES.has(o.status))
      : [];
  let until: Slot | undefined;
  if (series.status === 'cancelled') {
    const ended = series.endedAt ?? now;
    const endDate = toLocal(ended, view.school.timeZone).date;
    until = slotsBetween(rule, later(first.originalDate, addDays(endDate, -14)), endDate)
      .filter((s) => s.startsAt < ended)
      .pop();
    if (!until || until.originalDate < first.originalDate) return undefined;
  }
  const last = until?.originalDate ?? '9999-12-31';
  const rows = services.series.occurrencesInDates(tenantId, series.id, first.originalDate, last);
  const stored = new Set(rows.map((o) => o.originalDate));
  const excluded = new Map<LocalDate, Date>();
  const overrides: SeriesPlan['overrides'] = [];
  const held: SeriesPlan['held'] = [];
  for (const o of rows) {
    if (!isSlotDate(rule, o.originalDate)) continue;
    const slot = slotFor(rule, o.originalDate);
    if (EXCLUDED_STATUSES.has(o.status)) excluded.set(o.originalDate, slot.startsAt);
    else if (o.moved) overrides.push({ slot, occurrence: o });
    else if (o.status === 'held') held.push({ slot, occurrence: o });
  }
  // Slots not materialised yet still skip closures and the pause, as materialise will.
  for (const c of services.calendar.closuresOfSchool(tenantId, view.school.id)) {
    const from = later(c.startDate, first.originalDate);
    const to = earlier(c.endDate, last);
    if (from > to) continue;
    for (const slot of slotsBetween(rule, from, to)) if (!stored.has(slot.originalDate)) excluded.set(slot.originalDate, slot.startsAt);
  }
  if (series.pausedUntil && series.status === 'active') {
    const from = later(first.originalDate, todayIn(now, view.school.timeZone));
    const to = earlier(addDays(series.pausedUntil, -1), last);
    if (from <= to) for (const slot of slotsBetween(rule, from, to)) if (!stored.has(slot.originalDate)) excluded.set(slot.originalDate, slot.startsAt);
  }
  const next = series.status === 'active' ? services.series.occurrencesOfSeries(tenantId, series.id, now, 50).find((o) => o.status === 'scheduled') : undefined;
  return {
    view,
    series,
    first,
    until,
    next,
    overrides,
    held,
    earlier: earlierMeetings,
    exdates: [...excluded.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, d]) => d),
  };
}

/** The feed of the owner's touch-points as iCalendar text. */
export function buildFeed(services: Services, owner: Actor, now: Date): string {
  const tenantId = owner.tenant.id;
  const plans: SeriesPlan[] = [];
  for (const series of services.calendar.feedSeriesOfUser(tenantId, owner.user.id)) {
    const view = viewOf(services, tenantId, series);
    if (!canSeeInCalendarFeed(owner, view.school, view.partnership).allowed) continue;
    const plan = planSeries(services, tenantId, series, view, now);
    if (plan) plans.push(plan);
  }
  const thisYear = now.getUTCFullYear();
  const fromYear = Math.min(thisYear, ...plans.map((p) => p.first.startsAt.getUTCFullYear())) - 1;
  const cal = ical({
    name: `Touch-points — ${owner.user.displayName}`,
    description: 'Your Touchpoint touch-points. Private: anyone with this link sees these times.',
    prodId: '//Touchpoint//Touch-point feed//EN',
    ttl: 60 * 60,
    // No calendar-wide zone name: each event names its school's zone, and ical-generator then
    // writes UNTIL in UTC, as RFC 5545 requires with a zoned DTSTART. The generator adds the VTIMEZONEs.
    timezone: { name: null, generator: (tz: string) => vtimezone(tz, fromYear, thisYear + 2) },
  });
  for (const plan of plans) {
    const tz = plan.view.school.timeZone;
    const zoned = (d: Date): TZDate => new TZDate(d.getTime(), tz);
    const id = seriesUid(tenantId, plan.series.id);
    const summary = seriesSummary(plan.view);
    const text = description(services, tenantId, plan.view, plan.next, plan.series.status === 'cancelled');
    // Past meetings carry their shared notes and next steps (never a private note: see feedMeetingNotes).
    const past = feedMeetingNotes(services, owner, plan.view, [
      ...plan.earlier,
      ...plan.overrides.map((x) => x.occurrence),
      ...plan.held.map((x) => x.occurrence),
    ]);
    const textOf = (o: Occurrence): string => (past.has(o.id) ? `${text}\n\n${describeOccurrence(o, tz)}\n${past.get(o.id)!}` : text);
    cal.createEvent({
      id,
      stamp: now,
      timezone: tz,
      summary,
      description: text,
      start: zoned(plan.first.startsAt),
      end: zoned(plan.first.endsAt),
      repeating: {
        freq: ICalEventRepeatingFreq.WEEKLY,
        interval: plan.series.cadence === 'biweekly' ? 2 : undefined,
        until: plan.until?.startsAt,
        exclude: plan.exdates.length > 0 ? plan.exdates.map(zoned) : undefined,
      },
    });
    for (const o of plan.earlier) {
      cal.createEvent({ id: `${id}-o${o.id}`, stamp: now, timezone: tz, summary, description: textOf(o), start: zoned(o.startsAt), end: zoned(o.endsAt) });
    }
    // One instance of the series replaced: moved (a new sequence), or held with its notes in the description.
    const instance = (slot: { startsAt: Date }, occurrence: Parameters<typeof textOf>[0], sequence?: number): void => {
      cal.createEvent({
        id,
        stamp: now,
        timezone: tz,
        summary,
        description: textOf(occurrence),
        sequence,
        recurrenceId: zoned(slot.startsAt),
        start: zoned(occurrence.startsAt),
        end: zoned(occurrence.endsAt),
      });
    };
    for (const { slot, occurrence } of plan.overrides) instance(slot, occurrence, 1);
    for (const { slot, occurrence } of plan.held.filter((x) => past.has(x.occurrence.id))) instance(slot, occurrence);
  }
  // Confirmed coaching sessions: "Coaching session" and a time only, never the topic (coaching/sessions.ts).
  for (const s of sessionFeedEvents(services, owner, now)) {
    const at = (d: Date): TZDate => new TZDate(d.getTime(), s.timeZone);
    cal.createEvent({ id: s.uid, stamp: now, timezone: s.timeZone, summary: s.summary, start: at(s.startsAt), end: at(s.endsAt) });
  }
  return cal.toString();
}

/** The owner of a feed token, as an actor the policy can judge; undefined for an unknown or rotated token. */
export function feedOwner(services: Services, token: string): Actor | undefined {
  const feed = services.calendar.feedByToken(token);
  if (!feed) return undefined;
  const user = services.people.userById(feed.tenantId, feed.userId);
  const tenant = services.people.tenantById(feed.tenantId);
  if (!user || !tenant) return undefined;
  return { user, tenant, memberships: services.people.membershipsOf(feed.tenantId, user.id) };
}

/**
 * GET /calendar/<token>.ics: the owner's feed. An unknown or rotated token, or an owner who no
 * longer may have a feed, gets the same 404 as any unknown path, and nothing else.
 */
export function calendarRoute(services: Services, clock: Clock): RouteHandler {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const m = FEED_PATH.exec((req.url ?? '').split('?')[0]);
    const now = clock.now();
    const body = m
      ? services.transaction(() => {
          const owner = feedOwner(services, m[1]);
          if (!owner) return undefined;
          const repo = services.calendar;
          const sessions = sessionFeedEvents(services, owner, now).length > 0;
          if (!canHaveCalendarFeed(owner, repo.partnershipsOfUser(owner.tenant.id, owner.user.id), sessions).allowed) return undefined;
          const text = buildFeed(services, owner, now);
          repo.markFetched(owner.tenant.id, owner.user.id, now);
          return text;
        })
      : undefined;
    if (body === undefined) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/calendar; charset=utf-8',
      'cache-control': 'private, max-age=300',
      'content-length': Buffer.byteLength(body),
      'content-disposition': 'inline; filename="touchpoints.ics"',
      'x-robots-tag': 'noindex',
    });
    res.end(body);
  };
}
