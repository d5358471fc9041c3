/** Shared zod pieces for command arguments: each turns a typed word into a value or one clear line. */
import { z } from 'zod';
import { isValidTimeZone, parseLocalDate, parseLocalTime, parseTypedDay, parseTypedTime, parseWeekday, type LocalDate, type Parsed } from './datetime';

type Issue = { input?: unknown };
const given = (iss: Issue): boolean => iss.input !== undefined;

/** A required string argument; `missing` is the line shown when it is absent. */
export const word = (missing: string) => z.string({ error: missing }).trim().min(1, { error: missing });

function fromParsed<T>(parse: (s: string) => Parsed<T>, missing: string) {
  return z.string({ error: (iss: Issue) => (given(iss) ? missing : missing) }).transform((s, ctx): T => {
    const r = parse(s);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.value;
  });
}

export const zTime = (missing = 'missing the time (like 14:00 or 2pm)') => fromParsed(parseLocalTime, missing);
/** A time as typed, read against the school day later (see `parseTypedTime`). */
export const zTypedTime = (missing = 'missing the time (like 14:00 or 2pm)') => fromParsed(parseTypedTime, missing);
/** A date, or a weekday kept as a weekday (see `parseTypedDay`). */
export const zTypedDay = (today: LocalDate, missing = 'missing the date (like tomorrow, tue or 2026-12-01)') =>
  fromParsed((s) => parseTypedDay(s, today), missing);
export const zWeekday = (missing = 'missing the weekday (like tue)') => fromParsed(parseWeekday, missing);
export const zDate = (today: LocalDate, missing = 'missing the date (like tomorrow, tue or 2026-12-01)') =>
  fromParsed((s) => parseLocalDate(s, today), missing);

export const zTimeZone = (missing = 'missing the time zone (an IANA name like America/Chicago)') =>
  z
    .string({ error: missing })
    .trim()
    .refine(isValidTimeZone, {
      error: (iss: Issue) => `"${String(iss.input)}" is not a time zone (use an IANA name like America/Chicago)`,
    });

/** `30`, `30m`, `45min`, `1h` → minutes within [min, max]. */
export const zMinutes = (min: number, max: number, what: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx): number => {
    const s = String(v).trim().toLowerCase();
    const m = /^(\d+)\s*(m|min|mins|minutes)?$/.exec(s) ?? /^(\d+)\s*(h|hr|hour|hours)$/.exec(s);
    const minutes = m ? Number(m[1]) * (m[2]?.startsWith('h') ? 60 : 1) : NaN;
    if (!Number.isInteger(minutes) || minutes < min || minutes > max) {
      ctx.addIssue({ code: 'custom', message: `${what} must be ${min} to ${max} minutes (got "${String(v)}")` });
      return z.NEVER;
    }
    return minutes;
  });

/** An optional "#12" or "12" naming one of a list's items: `"x" is not <what> (<hint>)` otherwise. */
export const zListNumber = (what: string, hint: string) =>
  z
    .string()
    .optional()
    .transform((s, c) => {
      if (s === undefined) return undefined;
      const n = Number(s.replace(/^#/, ''));
      if (!Number.isInteger(n) || n < 1) {
        c.addIssue({ code: 'custom', message: `"${s}" is not ${what} (${hint})` });
        return z.NEVER;
      }
      return n;
    });

/** Words left over after a command's known arguments: refused with the first of them named. */
export const noExtra = z.undefined({ error: (iss: Issue) => `unexpected "${String(iss.input)}"` }).optional();

/** `yes`/`true`/`on` style booleans (form checkboxes arrive as 'true'/'false'). */
export const zFlag = z
  .union([z.boolean(), z.string()])
  .optional()
  .transform((v) => v === true || (typeof v === 'string' && /^(true|yes|on|1)$/i.test(v)));

/** Splits off a trailing `with <person>` (used by series commands when several exist). */
export function takeWith(words: string[]): { rest: string[]; withPerson?: string } {
  const i = words.map((w) => w.toLowerCase()).lastIndexOf('with');
  if (i >= 0 && i === words.length - 2 && /^(<@|@|⟦person:)/.test(words[i + 1])) {
    return { rest: words.slice(0, i), withPerson: words[i + 1] };
  }
  return { rest: words };
}

/** A command that takes no arguments: any word after its name is refused, naming it. */
export const noArguments = {
  schema: () => z.object({ extra: noExtra }).transform((): Record<string, never> => ({})),
  fromWords: (words: string[]): Record<string, unknown> => ({ extra: words[0] }),
};

/** A command whose only argument is an optional trailing `with @person` (which touch-point, when there are several). */
export const onlyWithPerson = {
  schema: () => z.object({ with: z.string().optional(), extra: noExtra }).transform(({ with: w }) => ({ with: w })),
  fromWords: (words: string[]): Record<string, unknown> => {
    const { rest, withPerson } = takeWith(words);
    return { extra: rest[0], with: withPerson };
  },
};
