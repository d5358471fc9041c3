/**
 * VTIMEZONE components (RFC 5545 §3.6.5) built from the runtime's own time zone data (Intl,
 * through @date-fns/tz), so a feed carries the rules its events are computed with and needs no
 * bundled zone files. ical-generator calls `generator(tzid)` for every zone its events use.
 *
 * The transitions of a span of years are found with `tzScan` (refined to the minute). Where the
 * last years follow a yearly rule ("the 2nd Sunday of March at 02:00"), that rule is written as
 * an RRULE, so instances far in the future still get the right offset; transitions before the
 * rule took its current form are written out one by one.
 */
import { tzName, tzOffset, tzScan } from '@date-fns/tz';

interface Transition {
  at: Date;
  from: number; // minutes east of UTC before the change
  to: number; // after it
}

type Kind = 'STANDARD' | 'DAYLIGHT';

const MINUTE = 60_000;
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** `YYYYMMDDTHHMMSS` of a wall clock given as a UTC-shaped Date. */
function stamp(wall: Date): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(wall.getUTCFullYear(), 4)}${p(wall.getUTCMonth() + 1)}${p(wall.getUTCDate())}T${p(wall.getUTCHours())}${p(wall.getUTCMinutes())}${p(wall.getUTCSeconds())}`;
}

/** tzScan reports the first whole hour with the new offset; the change itself is found to the minute. */
function refine(tz: string, hourAfter: Date, before: number): Date {
  let lo = hourAfter.getTime() - 60 * MINUTE; // still `before`
  let hi = hourAfter.getTime(); // already changed
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (mid === lo) break;
    if (tzOffset(tz, new Date(mid)) === before) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

function transitionsOf(tz: string, fromYear: number, toYear: number): { initial: number; changes: Transition[] } {
  const start = new Date(Date.UTC(fromYear, 0, 1));
  const end = new Date(Date.UTC(toYear + 1, 0, 1));
  const initial = tzOffset(tz, start);
  const changes: Transition[] = [];
  let before = initial;
  for (const c of tzScan(tz, { start, end })) {
    changes.push({ at: refine(tz, c.date, before), from: before, to: c.offset });
    before = c.offset;
  }
  return { initial, changes };
}

interface Local {
  year: number;
  month: number;
  day: number;
  weekday: string;
  time: string;
  nth: number;
  last: boolean;
  wall: Date;
}

/** The change's onset in local time before it (what DTSTART and the rule are written in). */
function localOf(t: Transition): Local {
  const wall = new Date(t.at.getTime() + t.from * MINUTE);
  const year = wall.getUTCFullYear();
  const month = wall.getUTCMonth() + 1;
  const day = wall.getUTCDate();
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return {
    year,
    month,
    day,
    weekday: DAYS[wall.getUTCDay()],
    time: stamp(wall).slice(9),
    nth: Math.ceil(day / 7),
    last: day + 7 > daysInMonth,
    wall,
  };
}

function kindOf(t: Transition): Kind {
  return t.to > t.from ? 'DAYLIGHT' : 'STANDARD';
}

interface Rule {
  first: Transition;
  byMonth: number;
  byDay: string;
}

/**
 * The longest run of yearly transitions at the end of the list that one rule describes (same
 * month, weekday, local time and offsets; the same nth weekday, or always the last), reaching the
 * last year scanned. Runs of fewer than two years are not called a rule.
 */
function trailingRule(list: Transition[], lastYear: number): { rule: Rule; covered: number } | undefined {
  if (list.length < 2) return undefined;
  const locals = list.map(localOf);
  const tail = locals[locals.length - 1];
  const tailT = list[list.length - 1];
  if (tail.year !== lastYear) return undefined;
  let nthOk = true;
  let lastOk = tail.last;
  let i = list.length - 1;
  while (i > 0) {
    const prev = locals[i - 1];
    const prevT = list[i - 1];
    const same =
      prev.month === tail.month &&
      prev.weekday === tail.weekday &&
      prev.time === tail.time &&
      prevT.from === tailT.from &&
      prevT.to === tailT.to &&
      prev.year === locals[i].year - 1;
    if (!same) break;
    const nth: boolean = nthOk && prev.nth === tail.nth && tail.nth <= 4;
    const last: boolean = lastOk && prev.last;
    if (!nth && !last) break;
    nthOk = nth;
    lastOk = last;
    i -= 1;
  }
  const covered = list.length - i;
  if (covered < 2 || (!nthOk && !lastOk)) return undefined;
  // "The last Sunday" is the sturdier reading when both fit (it survives months of 31 days).
  const pos = lastOk ? -1 : tail.nth;
  return { rule: { first: list[i], byMonth: tail.month, byDay: `${pos}${tail.weekday}` }, covered };
}

function observance(kind: Kind, tz: string, t: Transition, extra: string[] = []): string[] {
  return [
    `BEGIN:${kind}`,
    `DTSTART:${stamp(new Date(t.at.getTime() + t.from * MINUTE))}`,
    ...extra,
    `TZOFFSETFROM:${offsetText(t.from)}`,
    `TZOFFSETTO:${offsetText(t.to)}`,
    `TZNAME:${tzName(tz, new Date(t.at.getTime() + MINUTE), 'short')}`,
    `END:${kind}`,
  ];
}

const cache = new Map<string, string>();

/** The VTIMEZONE for `tz`, exact for every instant in [fromYear, toYear] and ruled beyond. */
export function vtimezone(tz: string, fromYear: number, toYear: number): string {
  const key = `${tz}|${fromYear}|${toYear}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { initial, changes } = transitionsOf(tz, fromYear, toYear);
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`, `X-LIC-LOCATION:${tz}`];
  if (changes.length === 0) {
    const fixed = { at: new Date(Date.UTC(1970, 0, 1) - initial * MINUTE), from: initial, to: initial };
    lines.push(...observance('STANDARD', tz, fixed));
  } else {
    const explicit: Transition[] = [];
    const ruled: string[] = [];
    for (const kind of ['DAYLIGHT', 'STANDARD'] as const) {
      const list = changes.filter((t) => kindOf(t) === kind);
      const found = trailingRule(list, toYear);
      const upTo = found ? list.length - found.covered : list.length;
      explicit.push(...list.slice(0, upTo));
      if (found) {
        ruled.push(...observance(kind, tz, found.rule.first, [`RRULE:FREQ=YEARLY;BYMONTH=${found.rule.byMonth};BYDAY=${found.rule.byDay}`]));
      }
    }
    if (explicit.length > 0) {
      // The offset in force at the start of the span, then each change the rules do not describe.
      const opening = { at: new Date(Date.UTC(fromYear, 0, 1) - initial * MINUTE), from: initial, to: initial };
      const lowest = Math.min(...changes.map((c) => Math.min(c.from, c.to)));
      lines.push(...observance(initial > lowest ? 'DAYLIGHT' : 'STANDARD', tz, opening));
      for (const t of explicit.sort((a, b) => a.at.getTime() - b.at.getTime())) lines.push(...observance(kindOf(t), tz, t));
    }
    lines.push(...ruled);
  }
  lines.push('END:VTIMEZONE');
  const text = lines.join('\r\n');
  cache.set(key, text);
  return text;
}
