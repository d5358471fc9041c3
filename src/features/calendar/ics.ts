/**
 * Reads a district's iCalendar file with ical.js: each VEVENT's days in the school's zone, with
 * recurring events (RRULE, RDATE, EXDATE) expanded inside a window of dates and their overrides
 * (RECURRENCE-ID) applied. Cancelled events and cancelled instances are left out.
 *
 * Time zones: a TZID defined by a VTIMEZONE in the file (Outlook's "Eastern Standard Time") is read
 * with it; an IANA TZID the file does not define is given one from the runtime's zone data; a
 * floating time, or a TZID that is neither, is read in the school's zone.
 */
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import { TZDate } from '@date-fns/tz';
import { addDays, isLocalDate, isValidTimeZone, toLocal, type LocalDate } from '../../core/datetime';
import { vtimezone } from './vtimezone';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- ical.js's types are ES-module-only, so `import` cannot reach the CommonJS build this project loads
const ICAL = require('ical.js') as typeof ICALModule;
type Component = InstanceType<typeof ICAL.Component>;
type Time = InstanceType<typeof ICAL.Time>;
type Event = InstanceType<typeof ICAL.Event>;
/** What Event#getOccurrenceDetails returns (ical.js's declarations name this type without declaring it). */
interface OccurrenceDetails {
  recurrenceId: Time;
  item: Event;
  startDate: Time;
  endDate: Time;
}

/** One day or run of days an event takes, in the school's zone. */
export interface IcsOccurrence {
  /** The UID; for an instance of a recurring event, `<UID>#<the date of its RECURRENCE-ID>`. */
  key: string;
  summary: string;
  /** All-day (VALUE=DATE), or with a time of day. */
  allDay: boolean;
  startDate: LocalDate;
  /** The last day (inclusive): an all-day DTEND is exclusive; a timed event ends on the day of its last moment. */
  endDate: LocalDate;
}

export interface IcsEvent {
  /** The UID (or a stand-in made of the date and summary when there is none). */
  key: string;
  recurring: boolean;
  occurrences: IcsOccurrence[];
}

export interface IcsReading {
  events: IcsEvent[];
  /** Events that could not be read (a bad date, a recurrence too dense to expand). */
  invalid: number;
}

/** Thrown when the text is not an iCalendar file at all (an error page, an empty answer). */
export class UnreadableCalendar extends Error {}

/** Recurrence steps tried per event before giving up on it (a daily rule from 2000 is ~10,000). */
const MAX_STEPS = 20_000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The VCALENDARs of the text; ical.js's parser is strict, so a damaged file is refused whole. */
function calendarsOf(text: string): Component[] {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (err) {
    throw new UnreadableCalendar(`not an iCalendar file: ${(err as Error).message}`);
  }
  // One component parses to a jCal array ['vcalendar', …]; several, to an array of them.
  const list = (Array.isArray(jcal) && typeof jcal[0] === 'string' ? [jcal] : jcal) as unknown[];
  const calendars = list.filter(Array.isArray).map((j) => new ICAL.Component(j));
  if (!calendars.some((c) => c.name === 'vcalendar')) throw new UnreadableCalendar('not an iCalendar file: no VCALENDAR');
  return calendars.filter((c) => c.name === 'vcalendar');
}

/** Gives the calendar a VTIMEZONE for every IANA TZID its events use and it does not define, so ical.js converts them. */
function defineMissingZones(cal: Component, fromYear: number, toYear: number): void {
  const defined = new Set(cal.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid'))));
  for (const vevent of cal.getAllSubcomponents('vevent'))
    for (const prop of vevent.getAllProperties()) {
      const tzid = prop.getParameter('tzid');
      if (typeof tzid !== 'string' || defined.has(tzid)) continue;
      defined.add(tzid);
      const iana = tzid.replace(/^\/+/, '');
      if (!isValidTimeZone(iana)) continue;
      const zone = new ICAL.Component(ICAL.parse(vtimezone(iana, fromYear, toYear)) as unknown[]); // one VTIMEZONE: a single jCal component
      zone.updatePropertyWithValue('tzid', tzid);
      cal.addSubcomponent(zone);
    }
}

/** The calendar date of a Time's own fields (normalised: ical.js may leave `day` past the month's end). */
function dateOf(t: Time): LocalDate {
  const n = t.clone();
  n.adjust(0, 0, 0, 0);
  const date = `${pad(n.year, 4)}-${pad(n.month)}-${pad(n.day)}`;
  if (!isLocalDate(date)) throw new Error(`unreadable date ${t.toString()}`);
  return date;
}

/** The instant of a timed value: UTC or a known zone as ical.js converts it; floating in the school's zone. */
function instantOf(t: Time, zone: string): Date {
  if (t.zone && t.zone !== ICAL.Timezone.localTimezone) return new Date(t.toUnixTime() * 1000);
  return new Date(new TZDate(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, zone).getTime());
}

/** The local date a Time stands for (an all-day date as it is; a timed one in the school's zone). */
const localDate = (t: Time, zone: string): LocalDate => (t.isDate ? dateOf(t) : toLocal(instantOf(t, zone), zone).date);

function occurrence(key: string, item: Event, start: Time, end: Time, zone: string): IcsOccurrence {
  const summary = item.summary ? String(item.summary).trim() : '';
  if (start.isDate) {
    const endExclusive = dateOf(end);
    const startDate = dateOf(start);
    return { key, summary, allDay: true, startDate, endDate: endExclusive > startDate ? addDays(endExclusive, -1) : startDate };
  }
  const from = instantOf(start, zone);
  const to = instantOf(end, zone);
  const startDate = toLocal(from, zone).date;
  const endDate = to > from ? toLocal(new Date(to.getTime() - 1), zone).date : startDate;
  return { key, summary, allDay: false, startDate, endDate: endDate < startDate ? startDate : endDate };
}

const isCancelled = (c: Component): boolean => String(c.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';

/** A recurring event's instances whose days touch [from, to], overrides applied, cancelled ones left out. */
function instances(event: Event, uid: string, zone: string, window: { from: LocalDate; to: LocalDate }): IcsOccurrence[] {
  const out: IcsOccurrence[] = [];
  const it = event.iterator();
  let steps = 0;
  for (let next: Time | null | undefined = it.next(); next; next = it.next()) {
    if (++steps > MAX_STEPS) throw new Error('recurrence too dense to expand');
    const originalDate = localDate(next, zone);
    if (originalDate > window.to) break;
    const details: OccurrenceDetails = event.getOccurrenceDetails(next);
    if (details.item !== event && isCancelled(details.item.component)) continue;
    const o = occurrence(`${uid}#${originalDate}`, details.item, details.startDate, details.endDate, zone);
    if (o.endDate >= window.from && o.startDate <= window.to) out.push(o);
  }
  return out;
}

/**
 * The events of a calendar, each with its days in `zone` (the school's). Recurring events give
 * their instances that touch `window`; a one-off event gives its one span, whatever its date.
 */
export function readEvents(text: string, zone: string, window: { from: LocalDate; to: LocalDate }): IcsReading {
  const reading: IcsReading = { events: [], invalid: 0 };
  for (const cal of calendarsOf(text)) {
    defineMissingZones(cal, Number(window.from.slice(0, 4)) - 1, Number(window.to.slice(0, 4)) + 1);
    const byUid = new Map<string, Component[]>();
    const noUid: Component[] = [];
    for (const vevent of cal.getAllSubcomponents('vevent')) {
      const uid = vevent.getFirstPropertyValue('uid');
      if (typeof uid === 'string' && uid.trim()) byUid.set(uid.trim(), [...(byUid.get(uid.trim()) ?? []), vevent]);
      else noUid.push(vevent);
    }
    const groups: [string | null, Component[]][] = [...byUid.entries(), ...noUid.map((v): [null, Component[]] => [null, [v]])];
    for (const [uid, vevents] of groups) {
      const master = vevents.find((v) => !v.hasProperty('recurrence-id'));
      // Overrides without their recurring event stand alone, each keyed by the date it replaces.
      const parts = master ? [master] : vevents;
      for (const part of parts) {
        if (isCancelled(part)) continue;
        try {
          const exceptions = master ? vevents.filter((v) => v.hasProperty('recurrence-id')) : [];
          const event = new ICAL.Event(part, { exceptions, strictExceptions: true });
          const start = event.startDate;
          if (!(start instanceof ICAL.Time)) throw new Error('no DTSTART');
          const key = uid ?? `no-uid:${localDate(start, zone)}:${event.summary ?? ''}`;
          if (master && event.isRecurring()) reading.events.push({ key, recurring: true, occurrences: instances(event, key, zone, window) });
          else {
            const own = event.isRecurrenceException() ? `${key}#${localDate(event.recurrenceId, zone)}` : key;
            reading.events.push({ key: own, recurring: false, occurrences: [occurrence(own, event, start, event.endDate, zone)] });
          }
        } catch {
          reading.invalid += 1;
        }
      }
    }
  }
  return reading;
}
