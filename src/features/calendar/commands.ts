/**
 * `/touchpoint calendar [rotate|import]`: your private calendar feed link (made on first use,
 * shown once: only a hash of it is stored), rotating it, and importing the school's calendar
 * into closures from the configured source. Also the daily re-import, as a scheduler planner.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import type { Reply, RequestContext, Services } from '../../core/context';
import { Refusal } from '../../core/errors';
import { canHaveCalendarFeed, canImportSchoolCalendar } from '../../core/policy';
import { formatInstant } from '../../core/datetime';
import { noExtra } from '../../core/args';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { pickSchool } from '../booking/service';
import { feedUrl } from './feed';
import { SchoolCalendarSource, importSchoolCalendar, syncSchoolCalendars, type ImportResult } from './import';

export interface CalendarOptions {
  /** The service's public base URL (PUBLIC_URL, or http://localhost:PORT). */
  baseUrl: string;
  /** The school calendar (SCHOOL_CALENDAR_ICS): a file path or an https URL, or a source object. */
  source?: SchoolCalendarSource | string;
}

export const newFeedToken = (): string => randomBytes(24).toString('base64url');

const ok = textMessage;

const SUBSCRIBE_STEPS = [
  'Google Calendar (on the web): Other calendars → + → From URL, paste the link, Add calendar.',
  'Outlook: Add calendar → Subscribe from web, paste the link, Import.',
  'Apple Calendar: File → New Calendar Subscription (iPhone: Settings → Calendar → Accounts → Add Account → Other → Add Subscribed Calendar), paste the link.',
];

function howToSubscribe(): Message {
  return {
    text: `How to subscribe to your touch-point calendar:\n${SUBSCRIBE_STEPS.join('\n')}\nCalendars refresh on their own schedule (Google every few hours); changes in Touchpoint show up then.`,
    blocks: [
      { type: 'text', text: '**How to subscribe to your touch-point calendar**' },
      { type: 'list', items: SUBSCRIBE_STEPS.map(esc) },
      { type: 'context', text: esc('Calendars refresh on their own schedule (Google every few hours); changes in Touchpoint show up then.') },
    ],
  };
}

const feedButtons = (version: number): Block => ({
  type: 'actions',
  buttons: [
    { actionId: 'calendar.rotate', label: 'Rotate link', value: String(version), style: 'danger' },
    { actionId: 'calendar.subscribe', label: 'How to subscribe', value: '' },
  ],
});

function linkMessage(url: string, version: number, rotated: boolean): Message {
  const lead = rotated ? 'Your new calendar feed link (the old one has stopped working):' : 'Your private calendar feed:';
  const note = 'It holds your touch-points. Anyone with the link sees their times, so keep it to yourself. This is the only time Touchpoint shows it: only a fingerprint of it is stored.';
  return {
    text: `${lead} ${url}\n${note}\n${SUBSCRIBE_STEPS.join('\n')}`,
    blocks: [
      { type: 'text', text: `${esc(lead)} [${esc(url)}](${esc(url)})` },
      { type: 'context', text: esc(note) },
      { type: 'list', items: SUBSCRIBE_STEPS.map(esc) },
      feedButtons(version),
    ],
  };
}

function entitled(ctx: RequestContext): void {
  const repo = ctx.services.calendar;
  const decision = canHaveCalendarFeed(ctx.actor, repo.partnershipsOfUser(ctx.actor.tenant.id, ctx.actor.user.id));
  if (!decision.allowed) throw new Refusal(decision.reason);
}

function audit(ctx: RequestContext, action: string, detail?: string): void {
  ctx.services.audit.audit({ tenantId: ctx.actor.tenant.id, schoolId: null, actorId: ctx.actor.user.id, action, subjectType: 'user', subjectId: ctx.actor.user.id, detail }, ctx.now);
}

/** Makes the person's feed (first use) and shows its link. */
function createFeed(ctx: RequestContext, baseUrl: string): Reply {
  const token = newFeedToken();
  if (!ctx.services.calendar.createFeed(ctx.actor.tenant.id, ctx.actor.user.id, token, ctx.now)) throw new Refusal('You already have a calendar feed. Type /touchpoint calendar again.');
  audit(ctx, 'calendar.feed.create');
  return { messages: [linkMessage(feedUrl(baseUrl, token), 1, false)] };
}

function show(ctx: RequestContext, baseUrl: string): Reply {
  entitled(ctx);
  const feed = ctx.services.calendar.feedOf(ctx.actor.tenant.id, ctx.actor.user.id);
  if (!feed) return createFeed(ctx, baseUrl);
  const tz = ctx.services.people.schoolById(ctx.actor.tenant.id, ctx.actor.memberships[0]?.schoolId ?? -1)?.timeZone ?? 'UTC';
  const made = formatInstant(feed.rotatedAt ?? feed.createdAt, tz, true);
  const fetched = feed.lastFetchedAt ? `A calendar last fetched it on ${formatInstant(feed.lastFetchedAt, tz, true)}.` : 'No calendar has fetched it yet.';
  const line = `You have a calendar feed (link made ${made}). ${fetched}`;
  const why = 'Touchpoint shows a feed link only once, since it keeps only a fingerprint of it. Lost it? Rotate link gives you a new one, and the old one stops working at once.';
  return { messages: [{
    text: `${line}\n${why}`,
    blocks: [{ type: 'text', text: esc(line) }, { type: 'context', text: esc(why) }, feedButtons(feed.version)],
  }] };
}

/** Rotating asks first: calendars subscribed to the old link stop updating. */
function rotatePrompt(ctx: RequestContext, baseUrl: string): Reply {
  entitled(ctx);
  const feed = ctx.services.calendar.feedOf(ctx.actor.tenant.id, ctx.actor.user.id);
  if (!feed) return createFeed(ctx, baseUrl);
  const question = 'Rotate your calendar feed link? The old link stops working at once: calendars subscribed to it stop updating until you subscribe to the new one.';
  return { messages: [{
    text: question,
    blocks: [
      { type: 'text', text: esc(question) },
      { type: 'actions', buttons: [
        { actionId: 'calendar.rotate.confirm', label: 'Rotate now', value: String(feed.version), style: 'danger' },
        { actionId: 'calendar.rotate.keep', label: 'Keep the current link', value: String(feed.version) },
      ] },
    ],
  }] };
}

function confirmRotate(ctx: RequestContext, value: string, baseUrl: string): Reply {
  entitled(ctx);
  const repo = ctx.services.calendar;
  const feed = repo.feedOf(ctx.actor.tenant.id, ctx.actor.user.id);
  if (!feed) return createFeed(ctx, baseUrl);
  const token = newFeedToken();
  if (String(feed.version) !== value || !repo.rotateFeed(ctx.actor.tenant.id, ctx.actor.user.id, token, feed.version, ctx.now)) {
    throw new Refusal('Your link was already rotated since you asked. To rotate it again: /touchpoint calendar rotate.');
  }
  audit(ctx, 'calendar.feed.rotate');
  return { messages: [linkMessage(feedUrl(baseUrl, token), feed.version + 1, true)] };
}

function importLine(school: string, r: ImportResult): string {
  const ignored = r.ignored.timed + r.ignored.recurring + r.ignored.invalid;
  const parts = [
    `Imported the school calendar into ${school}: ${r.added} added, ${r.updated} updated, ${r.removed} removed.`,
    ignored > 0 ? `${ignored === 1 ? '1 event was' : `${ignored} events were`} not a closure (${[
      r.ignored.timed ? `${r.ignored.timed} with a time of day` : '', r.ignored.recurring ? `${r.ignored.recurring} recurring` : '', r.ignored.invalid ? `${r.ignored.invalid} unreadable` : '',
    ].filter(Boolean).join(', ')}).` : '',
    r.closedTouchPoints > 0 ? `${r.closedTouchPoints === 1 ? '1 touch-point falls' : `${r.closedTouchPoints} touch-points fall`} on a closed day; both people told.` : '',
    r.reopenedTouchPoints > 0 ? `${r.reopenedTouchPoints === 1 ? '1 touch-point is' : `${r.reopenedTouchPoints} touch-points are`} on again; both people told.` : '',
  ];
  return parts.filter(Boolean).join(' ');
}

function runImport(ctx: RequestContext, source: SchoolCalendarSource | undefined): Reply {
  const school = pickSchool(ctx, ['principal', 'assistant_principal', 'admin'], 'Only a principal, assistant principal or admin imports the school calendar.');
  const decision = canImportSchoolCalendar(ctx.actor, school);
  if (!decision.allowed) throw new Refusal(decision.reason);
  if (!source) {
    throw new Refusal('No school calendar is configured. Whoever runs Touchpoint sets SCHOOL_CALENDAR_ICS to the district calendar (a file path or an https URL); closures can also be added one by one with /touchpoint closed.');
  }
  const text = source.current();
  if (text === undefined) throw new Refusal(`The school calendar could not be read (${source.lastError ?? 'no copy yet'}). Nothing was changed; try again later.`);
  const result = importSchoolCalendar(ctx.services, ctx.actor.tenant.id, school.id, text, ctx.now, {
    actorId: ctx.actor.user.id,
    notify: (recipient, kind, message, dedupeKey) => ctx.notify(recipient, kind, message, dedupeKey),
  });
  return { messages: [ok(importLine(school.name, result), {
    type: 'context', text: esc('From now on it is re-imported every day. Closures added by hand with /touchpoint closed are never changed by it.'),
  })] };
}

interface CalendarArgs { op?: 'rotate' | 'import' }

function calendarCommand(baseUrl: string, source: SchoolCalendarSource | undefined): CommandSpec<CalendarArgs> {
  return {
    root: 'touchpoint', name: 'calendar',
    usage: 'calendar [rotate|import]',
    describe: 'your private calendar feed link (rotate: a new link); import: the school calendar’s closures (leaders and admins)',
    example: 'calendar',
    schema: () => z.object({
      op: z.enum(['rotate', 'import'], { error: (iss) => `"${String(iss.input)}" is not rotate or import` }).optional(),
      extra: noExtra,
    }).transform(({ op }) => ({ op })),
    fromWords: (words) => ({ op: words[0]?.toLowerCase(), extra: words[1] }),
    handle(ctx, args) {
      if (args.op === 'import') return runImport(ctx, source);
      if (args.op === 'rotate') return rotatePrompt(ctx, baseUrl);
      return show(ctx, baseUrl);
    },
  };
}

/**
 * Once a day (and at start-up), schools that imported their calendar are brought in line with
 * the source. An https source is fetched in the background; its import follows on the next tick.
 */
function dailySync(source: SchoolCalendarSource) {
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

/** Registers `/touchpoint calendar`, its buttons and the daily re-import; returns the source it uses. */
export function registerCalendar(registry: CommandRegistry, options: CalendarOptions): SchoolCalendarSource | undefined {
  const source = typeof options.source === 'string' ? new SchoolCalendarSource(options.source) : options.source;
  registry.command(calendarCommand(options.baseUrl, source) as CommandSpec<unknown>);
  registry.action({ actionId: 'calendar.rotate', handle: (ctx) => rotatePrompt(ctx, options.baseUrl) });
  registry.action({ actionId: 'calendar.rotate.confirm', handle: (ctx, value) => confirmRotate(ctx, value, options.baseUrl) });
  registry.action({ actionId: 'calendar.rotate.keep', handle: () => ({ messages: [ok('Kept. Your current link still works.')] }) });
  registry.action({ actionId: 'calendar.subscribe', handle: () => ({ messages: [howToSubscribe()] }) });
  // An erased person keeps no calendar link (after forget-me they hold no role, so it would show nothing anyway).
  registry.listen('user.forgotten', (ctx, { userId }) => {
    ctx.services.calendar.deleteFeed(ctx.actor.tenant.id, userId);
  });
  if (source) registry.planner(dailySync(source));
  return source;
}
