/**
 * The calendar's use cases: a person's private feed (made on first use, shown once: only a hash
 * of it is stored), rotating it, and importing the school's calendar into closures from the
 * configured source — plus the daily re-import, as a scheduler planner.
 */
import { randomBytes } from 'node:crypto';
import type { Reply, RequestContext, Services } from '../../core/context';
import { Refusal } from '../../core/errors';
import { authorize } from '../../core/policy';
import { formatInstant } from '../../core/datetime';
import { pickSchool } from '../booking/service';
import { feedUrl } from './feed';
import { sessionFeedEvents } from '../coaching';
import { importSchoolCalendar, syncSchoolCalendars, type ImportResult, type SchoolCalendarSource } from './import';
import { UnreadableCalendar } from './ics';
import { feedStatusMessage, importedMessage, linkMessage, rotateQuestion } from './messages';

export const newFeedToken = (): string => randomBytes(24).toString('base64url');

/** Feeds are for leaders and coaches who are in a partnership, and for anyone with a confirmed coaching session. */
function entitled(ctx: RequestContext): void {
  const sessions = sessionFeedEvents(ctx.services, ctx.actor, ctx.now).length > 0;
  authorize('calendar.feed.have', ctx.actor, ctx.services.calendar.partnershipsOfUser(ctx.actor.tenant.id, ctx.actor.user.id), sessions);
}

function auditFeed(ctx: RequestContext, action: string): void {
  ctx.audit({ schoolId: null, action, subjectType: 'user', subjectId: ctx.actor.user.id });
}

/** Makes the person's feed (first use) and shows its link. */
function createFeed(ctx: RequestContext, baseUrl: string): Reply {
  const token = newFeedToken();
  if (!ctx.services.calendar.createFeed(ctx.actor.tenant.id, ctx.actor.user.id, token, ctx.now))
    throw new Refusal('You already have a calendar feed. Type /touchpoint calendar again.');
  auditFeed(ctx, 'calendar.feed.create');
  return { messages: [linkMessage(feedUrl(baseUrl, token), 1, false)] };
}

export function showFeed(ctx: RequestContext, baseUrl: string): Reply {
  entitled(ctx);
  const feed = ctx.services.calendar.feedOf(ctx.actor.tenant.id, ctx.actor.user.id);
  if (!feed) return createFeed(ctx, baseUrl);
  const tz = ctx.services.people.schoolById(ctx.actor.tenant.id, ctx.actor.memberships[0]?.schoolId ?? -1)?.timeZone ?? 'UTC';
  const made = formatInstant(feed.rotatedAt ?? feed.createdAt, tz, true);
  const fetched = feed.lastFetchedAt ? formatInstant(feed.lastFetchedAt, tz, true) : undefined;
  return { messages: [feedStatusMessage(made, fetched, feed.version)] };
}

/** Rotating asks first: calendars subscribed to the old link stop updating. */
export function askToRotate(ctx: RequestContext, baseUrl: string): Reply {
  entitled(ctx);
  const feed = ctx.services.calendar.feedOf(ctx.actor.tenant.id, ctx.actor.user.id);
  if (!feed) return createFeed(ctx, baseUrl);
  return { messages: [rotateQuestion(feed.version)] };
}

export function rotateFeed(ctx: RequestContext, value: string, baseUrl: string): Reply {
  entitled(ctx);
  const repo = ctx.services.calendar;
  const feed = repo.feedOf(ctx.actor.tenant.id, ctx.actor.user.id);
  if (!feed) return createFeed(ctx, baseUrl);
  const token = newFeedToken();
  if (String(feed.version) !== value || !repo.rotateFeed(ctx.actor.tenant.id, ctx.actor.user.id, token, feed.version, ctx.now)) {
    throw new Refusal('Your link was already rotated since you asked. To rotate it again: /touchpoint calendar rotate.');
  }
  auditFeed(ctx, 'calendar.feed.rotate');
  return { messages: [linkMessage(feedUrl(baseUrl, token), feed.version + 1, true)] };
}

export function importNow(ctx: RequestContext, source: SchoolCalendarSource | undefined): Reply {
  const school = pickSchool(ctx, ['principal', 'assistant_principal', 'admin'], 'Only a principal, assistant principal or admin imports the school calendar.');
  authorize('calendar.import', ctx.actor, school);
  if (!source) {
    throw new Refusal(
      'No school calendar is configured. Whoever runs Touchpoint sets SCHOOL_CALENDAR_ICS to the district calendar (a file path or an https URL); closures can also be added one by one with /touchpoint closed.',
    );
  }
  const text = source.current();
  if (text === undefined)
    throw new Refusal(`The school calendar could not be read (${source.lastError ?? 'no copy yet'}). Nothing was changed; try again later.`);
  let result: ImportResult;
  try {
    result = importSchoolCalendar(ctx.services, ctx.actor.tenant.id, school.id, text, ctx.now, {
      actorId: ctx.actor.user.id,
      notify: (recipient, kind, message, dedupeKey) => ctx.notify(recipient, kind, message, dedupeKey),
    });
  } catch (err) {
    if (err instanceof UnreadableCalendar) throw new Refusal(`The school calendar could not be read (${err.message}). Nothing was changed; try again later.`);
    throw err;
  }
  return { messages: [importedMessage(school.name, result)] };
}

/**
 * Once a day (and at start-up), schools that imported their calendar are brought in line with
 * the source. An https source is fetched in the background; its import follows on the next tick.
 */
export function dailySync(source: SchoolCalendarSource) {
  let fetchedDay = '';
  let importedDay = '';
  let importedVersion = -1;
  return (services: Services, now: Date): void => {
    const day = now.toISOString().slice(0, 10);
    if (source.isUrl && day !== fetchedDay) {
      fetchedDay = day;
      void source.refresh(now);
    }
    if (day === importedDay && source.version === importedVersion) return;
    const text = source.current();
    if (text === undefined) return;
    importedDay = day;
    importedVersion = source.version;
    syncSchoolCalendars(services, text, now);
  };
}
