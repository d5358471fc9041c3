/**
 * A small, strict-enough iCalendar reader for a district's calendar: the VEVENTs with their UID,
 * SUMMARY, STATUS, DTSTART, DTEND or DURATION, RRULE and RECURRENCE-ID. (ical.js is a
 * development dependency here, used by the tests to read our feeds; the service itself reads
 * only this much of RFC 5545.)
 */
import { TZDate } from '@date-fns/tz';
import { addDays, isLocalDate, isValidTimeZone, type LocalDate } from '../../core/datetime';

export interface IcsProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** A date-time value: an all-day date, or an instant (UTC, a TZID's wall clock, or floating in the reader's zone). */
export type IcsWhen = { kind: 'date'; date: LocalDate } | { kind: 'instant'; at: Date };

export interface IcsEvent {
  uid: string | null;
  summary: string;
  status: string | null;
  start: IcsWhen | null;
  end: IcsWhen | null;
  /** DURATION in milliseconds, when given instead of DTEND. */
  durationMs: number | null;
  recurring: boolean;
  isOverride: boolean;
}

/** Lines with RFC 5545 folding undone (a CRLF or LF followed by a space or tab continues the line). */
export function unfold(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n')
    .filter((l) => l.length > 0);
}

/** `NAME;P1=v;P2="a:b":value` → its parts; quoted parameter values may hold `:` and `;`. */
export function parseLine(line: string): IcsProperty | undefined {
  let i = 0;
  let inQuotes = false;
  const segments: string[] = [];
  let current = '';
  for (; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuotes = !inQuotes;
    if (!inQuotes && (ch === ';' || ch === ':')) {
      segments.push(current);
      current = '';
      if (ch === ':') break;
      continue;
    }
    current += ch;
  }
  if (i >= line.length) return undefined; // no value separator
  const [name, ...paramParts] = segments;
  const params: Record<string, string> = {};
  for (const p of paramParts) {
    const eq = p.indexOf('=');
    if (eq > 0) params[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
  }
  return { name: name.toUpperCase(), params, value: line.slice(i + 1) };
}

/** TEXT values: `\n`, `\,`, `\;` and `\\` escapes. */
export function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

function when(prop: IcsProperty, defaultZone: string): IcsWhen | null {
  const v = prop.value.trim();
  const dateOnly = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (dateOnly || prop.params.VALUE?.toUpperCase() === 'DATE') {
    const m = dateOnly ?? /^(\d{4})(\d{2})(\d{2})/.exec(v);
    if (!m) return null;
    const date = `${m[1]}-${m[2]}-${m[3]}`;
    return isLocalDate(date) ? { kind: 'date', date } : null;
  }
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$/.exec(v);
  if (!m) return null;
  const [y, mo, d, hh, mm, ss] = m.slice(1, 7).map(Number);
  if (m[7] === 'Z') return { kind: 'instant', at: new Date(Date.UTC(y, mo - 1, d, hh, mm, ss)) };
  const tzid = prop.params.TZID?.replace(/^\//, '');
  const zone = tzid && isValidTimeZone(tzid) ? tzid : defaultZone;
  return { kind: 'instant', at: new Date(new TZDate(y, mo - 1, d, hh, mm, ss, zone).getTime()) };
}

/** `P1D`, `PT1H30M`, `P2W`, `-PT15M` → milliseconds. */
export function parseDuration(value: string): number | null {
  const m = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value.trim());
  if (!m || value.trim() === 'P' || value.trim().endsWith('T')) return null;
  const [w, d, h, mi, s] = m.slice(2).map((x) => Number(x ?? 0));
  const ms = ((((w * 7 + d) * 24 + h) * 60 + mi) * 60 + s) * 1000;
  return m[1] === '-' ? -ms : ms;
}

/**
 * The VEVENTs of a calendar. `defaultZone` reads floating times and unknown TZIDs (the school's
 * zone). Nested components (VALARM) are skipped; a file without VCALENDAR/VEVENT yields none.
 */
export function readEvents(text: string, defaultZone: string): IcsEvent[] {
  const events: IcsEvent[] = [];
  let current: IcsEvent | null = null;
  let depth = 0; // components nested inside the current VEVENT
  for (const line of unfold(text)) {
    const prop = parseLine(line);
    if (!prop) continue;
    if (prop.name === 'BEGIN') {
      if (current) depth += 1;
      else if (prop.value.trim().toUpperCase() === 'VEVENT') {
        current = { uid: null, summary: '', status: null, start: null, end: null, durationMs: null, recurring: false, isOverride: false };
      }
      continue;
    }
    if (prop.name === 'END') {
      if (current && depth > 0) depth -= 1;
      else if (current && prop.value.trim().toUpperCase() === 'VEVENT') {
        events.push(current);
        current = null;
      }
      continue;
    }
    if (!current || depth > 0) continue;
    switch (prop.name) {
      case 'UID':
        current.uid = prop.value.trim() || null;
        break;
      case 'SUMMARY':
        current.summary = unescapeText(prop.value).trim();
        break;
      case 'STATUS':
        current.status = prop.value.trim().toUpperCase();
        break;
      case 'DTSTART':
        current.start = when(prop, defaultZone);
        break;
      case 'DTEND':
        current.end = when(prop, defaultZone);
        break;
      case 'DURATION':
        current.durationMs = parseDuration(prop.value);
        break;
      case 'RRULE':
      case 'RDATE':
        current.recurring = true;
        break;
      case 'RECURRENCE-ID':
        current.isOverride = true;
        break;
      default:
        break;
    }
  }
  return events;
}

/** The last day (inclusive) of an all-day event: DTEND is exclusive; no DTEND means one day. */
export function lastDayOfAllDay(start: LocalDate, end: IcsWhen | null, durationMs: number | null): LocalDate {
  if (end?.kind === 'date') return end.date > start ? addDays(end.date, -1) : start;
  if (durationMs !== null && durationMs > 0) return addDays(start, Math.max(1, Math.round(durationMs / 86_400_000)) - 1);
  return start;
}
