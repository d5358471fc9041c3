/**
 * The school calendar import: a district's iCalendar file (holidays, breaks, testing days,
 * early-release days) becomes the school's closures, keyed by each event's UID so a re-import
 * updates and removes rather than duplicates. Closures added by hand are never touched.
 * Touch-points that fall on a newly closed day are marked closed, and both people are told.
 *
 * We never fetch a URL someone typed in chat: the source is configured (SCHOOL_CALENDAR_ICS,
 * a file path or an https URL), read at start-up and once a day.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Services } from '../../core/context';
import type { Closure, Occurrence, User } from '../../core/model';
import type { Message } from '../../messages/model';
import { escapeMarkup as esc } from '../../messages/model';
import { addDays, daysBetween, toLocal, todayIn, type LocalDate } from '../../core/datetime';

import { describeOccurrence, materialise, viewOf } from '../booking/service';

import { readEvents } from './ics';
import { closureOn, occurrenceKey } from '../../core/school-calendar';

/** Summaries that mark an early-release day (kept as a closure, with its label). */
export const EARLY_RELEASE = /\bearly[\s-]*(release|dismissal)\b/i;

const LABEL_MAX = 100;
const MAX_SPAN_DAYS = 366;
const FETCH_TIMEOUT_MS = 10_000;
const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

export interface WantedClosure {
  uid: string;
  startDate: LocalDate;
  endDate: LocalDate;
  label: string;
}

export interface CalendarReading {
  closures: WantedClosure[];
  /** Events that do not close the school: timed (a board meeting at 18:00), or unreadable. */
  ignored: { timed: number; invalid: number };
  /** The dates recurring events were expanded over. */
  window: { from: LocalDate; to: LocalDate };
  /** The UIDs of the recurring events read (their closures are keyed `<UID>#<date>`). */
  recurring: Set<string>;
}

/** Recurring events are expanded from a month before today to 18 months after. */
const WINDOW_BEFORE_DAYS = 31;
const WINDOW_AFTER_DAYS = 548;

/**
 * Which events close the school. All-day events (one day or several; DTEND is exclusive) do,
 * with their SUMMARY as the label. A timed event does only when it is an early-release or
 * early-dismissal day (its local date(s) in the school's zone); other timed events are ignored.
 * Recurring events (RRULE, RDATE, EXDATE, overrides by RECURRENCE-ID) give one closure per
 * instance inside the window around `today`. Cancelled events and instances are not imported.
 * Throws UnreadableCalendar when the text is not an iCalendar file.
 */
export function readSchoolCalendar(icsText: string, timeZone: string, today: LocalDate): CalendarReading {
  const window = { from: addDays(today, -WINDOW_BEFORE_DAYS), to: addDays(today, WINDOW_AFTER_DAYS) };
  const { events, invalid } = readEvents(icsText, timeZone, window);
  const reading: CalendarReading = { closures: [], ignored: { timed: 0, invalid }, window, recurring: new Set() };
  const seen = new Set<string>();
  for (const e of events) {
    if (e.recurring) reading.recurring.add(e.key);
    let timed = false;
    let tooLong = false;
    for (const o of e.occurrences) {
      if (!o.allDay && !EARLY_RELEASE.test(o.summary)) timed = true;
      else if (daysBetween(o.startDate, o.endDate) > MAX_SPAN_DAYS) tooLong = true;
      else if (!seen.has(o.key)) {
        seen.add(o.key);
        const label = (o.summary || 'School closed').replace(/\s+/g, ' ').slice(0, LABEL_MAX);
        reading.closures.push({ uid: o.key, startDate: o.startDate, endDate: o.endDate, label });
      }
    }
    if (timed) reading.ignored.timed += 1;
    if (tooLong) reading.ignored.invalid += 1;
  }
  return reading;
}

/** An imported instance of a recurring event still in the file that ended before the window: history, kept as it is. */
function behindWindow(reading: CalendarReading, old: { uid: string; endDate: LocalDate }): boolean {
  const hash = old.uid.lastIndexOf('#');
  return hash > 0 && reading.recurring.has(old.uid.slice(0, hash)) && old.endDate < reading.window.from;
}

export interface ImportResult {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  ignored: CalendarReading['ignored'];
  /** Touch-points marked closed by this import, and ones on again because a closure went away. */
  closedTouchPoints: number;
  reopenedTouchPoints: number;
}

export interface ImportOptions {
  /** The person importing (null: the daily re-import). */
  actorId?: number | null;
  /** How DMs are queued (a command passes `ctx.notify` so they go out at once); the outbox by default. */
  notify?: (recipient: User, kind: string, message: Message, dedupeKey: string) => void;
}

const sameSpan = (a: { startDate: LocalDate; endDate: LocalDate; label: string }, b: typeof a): boolean =>
  a.startDate === b.startDate && a.endDate === b.endDate && a.label === b.label;

/**
 * Imports the school's calendar text: adds, updates and removes the closures that came from it
 * (by UID), then marks the touch-points on closed days closed and reopens those on days that are
 * no longer closed, telling both people once per series. One transaction; idempotent.
 */
export function importSchoolCalendar(
  services: Services,
  tenantId: number,
  schoolId: number,
  icsText: string,
  now: Date,
  options: ImportOptions = {},
): ImportResult {
  const { outbox } = services;
  const repo = services.calendar;
  return services.transaction(() => {
    const school = services.people.schoolById(tenantId, schoolId);
    if (!school) throw new Error('school not in tenant');
    const today = todayIn(now, school.timeZone);
    const reading = readSchoolCalendar(icsText, school.timeZone, today);
    const existing = new Map(repo.importedClosures(tenantId, schoolId).map((c) => [c.uid, c]));
    const wanted = new Map(reading.closures.map((c) => [c.uid, c]));
    const result: ImportResult = { added: 0, updated: 0, removed: 0, unchanged: 0, ignored: reading.ignored, closedTouchPoints: 0, reopenedTouchPoints: 0 };
    // Dates that are no longer closed by an imported closure: touch-points there may be on again.
    const vacated: { startDate: LocalDate; endDate: LocalDate; label: string }[] = [];
    const changes: { add: WantedClosure[]; update: WantedClosure[]; remove: string[] } = { add: [], update: [], remove: [] };
    for (const c of wanted.values()) {
      const old = existing.get(c.uid);
      if (!old) changes.add.push(c);
      else if (!sameSpan(old, c)) {
        changes.update.push(c);
        vacated.push(old);
      } else result.unchanged += 1;
    }
    for (const old of existing.values())
      if (!wanted.has(old.uid) && !behindWindow(reading, old)) {
        changes.remove.push(old.uid);
        vacated.push(old);
      }
    if (changes.add.length + changes.update.length + changes.remove.length > 0) {
      // Slots up to the last new closure exist (as they were) before the closures change, so
      // each affected touch-point is found, closed and announced below.
      const lastEnd = [...changes.add, ...changes.update].reduce<LocalDate>((m, c) => (c.endDate > m ? c.endDate : m), today);
      const horizon = Math.max(63, Math.min(MAX_SPAN_DAYS, daysBetween(today, lastEnd) + 7));
      for (const series of services.series.activeSeriesOfSchool(tenantId, schoolId))
        materialise(services, tenantId, viewOf(services, tenantId, series), now, horizon);
    }
    const by = options.actorId ?? null;
    for (const c of changes.add) {
      repo.addImportedClosure(tenantId, schoolId, c.uid, c, by, now);
      result.added += 1;
    }
    for (const c of changes.update) {
      repo.updateImportedClosure(tenantId, schoolId, c.uid, c, now);
      result.updated += 1;
    }
    for (const uid of changes.remove) {
      repo.removeImportedClosure(tenantId, schoolId, uid);
      result.removed += 1;
    }

    const closures = services.calendar.closuresOfSchool(tenantId, schoolId);
    const notify =
      options.notify ??
      ((recipient: User, kind: string, message: Message, dedupeKey: string) => {
        outbox.enqueue({ tenantId, recipientId: recipient.id, kind, dedupeKey, message, dueAt: now }, now);
      });
    // What each person is told: one message for all their touch-points the import changed.
    const told = new Map<number, { person: User; closed: { o: Occurrence; closure: Pick<Closure, 'label'> }[]; reopened: Occurrence[] }>();
    for (const series of services.series.activeSeriesOfSchool(tenantId, schoolId)) {
      const view = viewOf(services, tenantId, series);
      const closed: { o: Occurrence; closure: Pick<Closure, 'label'> }[] = [];
      const reopened: Occurrence[] = [];
      for (const o of services.series.occurrencesOfSeries(tenantId, series.id, now, 1000)) {
        if (o.startsAt <= now) continue;
        const on = toLocal(o.startsAt, school.timeZone).date;
        const closure = closureOn(closures, on);
        if (o.status === 'scheduled' && closure) {
          services.series.updateOccurrence(tenantId, o.id, { status: 'closed', reason: closure.label }, by, now);
          outbox.cancelPending(occurrenceKey(series.id, o.id));
          closed.push({ o, closure });
        } else if (o.status === 'closed' && !closure && closureOn(vacated, on)) {
          // A day that is open again: back as it would have been (paused while the series is).
          const paused = series.pausedUntil !== null && o.originalDate < series.pausedUntil;
          services.series.updateOccurrence(tenantId, o.id, paused ? { status: 'paused', reason: 'paused' } : { status: 'scheduled', reason: null }, by, now);
          if (!paused) reopened.push(o);
        }
      }
      result.closedTouchPoints += closed.length;
      result.reopenedTouchPoints += reopened.length;
      if (closed.length + reopened.length === 0) continue;
      for (const person of [view.principal, view.coach]) {
        const entry = told.get(person.id) ?? { person, closed: [], reopened: [] };
        entry.closed.push(...closed);
        entry.reopened.push(...reopened);
        told.set(person.id, entry);
      }
    }
    for (const { person, closed, reopened } of told.values()) {
      const byStart = (a: Occurrence, b: Occurrence): number => a.startsAt.getTime() - b.startsAt.getTime();
      const message = changeMessage(
        school.name,
        school.timeZone,
        closed.sort((a, b) => byStart(a.o, b.o)),
        reopened.sort(byStart),
      );
      // The content is in the key: two imports in the same instant (a settable clock) still each tell.
      const digest = createHash('sha256').update(message.text).digest('hex').slice(0, 16);
      notify(person, 'calendar.import', message, `calendar.import:${schoolId}:${person.id}:${now.getTime()}:${digest}`);
    }
    repo.recordImport(tenantId, schoolId, by, result, now);
    services.audit.audit(
      {
        tenantId,
        schoolId,
        actorId: by,
        action: 'calendar.import',
        subjectType: 'school',
        subjectId: schoolId,
        detail: `added=${result.added} updated=${result.updated} removed=${result.removed}`,
      },
      now,
    );
    return result;
  });
}

function changeMessage(schoolName: string, timeZone: string, closed: { o: Occurrence; closure: Pick<Closure, 'label'> }[], reopened: Occurrence[]): Message {
  const closedLines = closed.map(({ o, closure }) => `No touch-point on ${describeOccurrence(o, timeZone)}: ${schoolName} is closed (${closure.label}).`);
  const reopenedLines = reopened.map(
    (o) => `The touch-point on ${describeOccurrence(o, timeZone)} is on again: the school calendar no longer has a closure that day.`,
  );
  const lines = [...closedLines, ...reopenedLines];
  return {
    text: `School calendar update for ${schoolName}:\n${lines.join('\n')}`,
    blocks: [
      { type: 'text', text: `**School calendar update** for ${esc(schoolName)}` },
      { type: 'list', items: lines.map(esc) },
    ],
  };
}

// ---- the configured source ------------------------------------------------------------------------

const isHttps = (source: string): boolean => /^https:\/\//i.test(source.trim());

/**
 * Reads the configured calendar: a file path with fs, or an https URL with fetch (10 s timeout).
 * Plain http and other schemes are refused: a calendar that decides when meetings happen is not
 * taken from a connection anyone in between could change.
 */
export async function loadCalendarSource(source: string): Promise<string> {
  const s = source.trim();
  if (isHttps(s)) {
    const res = await fetch(s, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'follow', headers: { accept: 'text/calendar, text/plain;q=0.5' } });
    if (!res.ok) throw new Error(`the school calendar at ${new URL(s).host} answered ${res.status}`);
    const text = await res.text();
    if (Buffer.byteLength(text) > MAX_SOURCE_BYTES) throw new Error('the school calendar is larger than 5 MB');
    return text;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new Error('the school calendar source must be a file path or an https:// URL');
  const text = await readFile(s, 'utf8');
  if (Buffer.byteLength(text) > MAX_SOURCE_BYTES) throw new Error('the school calendar is larger than 5 MB');
  return text;
}

/**
 * The configured source with what was last read from it. A file is read afresh whenever it is
 * needed (synchronously, so a command can use it); an https URL is fetched by `refresh()` (at
 * start-up and daily) and commands use the last copy.
 */
export class SchoolCalendarSource {
  private text: string | undefined;
  /** Bumped on every successful read that changed the text. */
  version = 0;
  fetchedAt: Date | undefined;
  lastError: string | undefined;

  constructor(
    readonly location: string,
    private readonly load: (source: string) => Promise<string> = loadCalendarSource,
  ) {}

  get isUrl(): boolean {
    return isHttps(this.location);
  }

  /** Reads the source now; keeps the previous copy when that fails. */
  async refresh(now: Date = new Date()): Promise<boolean> {
    try {
      const text = await this.load(this.location);
      if (text !== this.text) this.version += 1;
      this.text = text;
      this.fetchedAt = now;
      this.lastError = undefined;
      return true;
    } catch (err) {
      this.lastError = (err as Error).message;
      return false;
    }
  }

  /** The calendar text to import now, or undefined (then `lastError` says why). */
  current(): string | undefined {
    if (this.isUrl) {
      if (this.text === undefined && !this.lastError) this.lastError = 'the school calendar has not been fetched yet';
      return this.text;
    }
    try {
      const text = readFileSync(this.location.trim(), 'utf8');
      if (text !== this.text) this.version += 1;
      this.text = text;
      this.lastError = undefined;
      return text;
    } catch (err) {
      this.lastError = (err as Error).message;
      return this.text;
    }
  }
}

/**
 * The daily re-import: every school that imported its calendar once (with `/touchpoint calendar
 * import`) is brought in line with the source. Schools that never imported are left alone, so
 * one deployment-wide source never changes a school that did not ask for it.
 */
export function syncSchoolCalendars(
  services: Services,
  icsText: string,
  now: Date,
): { tenantId: number; schoolId: number; result?: ImportResult; error?: string }[] {
  return services.calendar.importingSchools().map(({ tenantId, schoolId }) => {
    try {
      return { tenantId, schoolId, result: importSchoolCalendar(services, tenantId, schoolId, icsText, now) };
    } catch (err) {
      return { tenantId, schoolId, error: (err as Error).message };
    }
  });
}
