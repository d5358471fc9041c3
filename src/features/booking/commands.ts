/** `/touchpoint` booking commands and their buttons: setup, book, next, skip, move, pause, resume, cancel, closed (coach is the roles feature's). */
import { materialiseAhead } from './materialise';
import { z } from 'zod';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import { reply } from '../../core/context';
import { daysBetween, isLocalTime, minutesOfDay, type LocalDate, type TypedDay, type TypedTime } from '../../core/datetime';
import { noArguments, noExtra, onlyWithPerson, takeWith, word, zDate, zMinutes, zTimeZone, zTypedDay, zTypedTime, zWeekday } from '../../core/args';
import { sessionsReply } from '../coaching';
import { createSchool, homeSection, nextTouchpoints, resumeSeries, skipNext, undoSkip, type NewSchool } from './service';
import { askMove, askPause, confirmMove, confirmPause } from './changes';
import { acceptChange, askReschedule, confirmReschedule, declineChange, type RescheduleRequest } from './reschedule';
import { acceptProposal, askToCancel, confirmCancel, declineProposal, proposalUndeliverable, proposeSeries, type BookingRequest } from './proposals';
import { markClosed, undoClosure, type NewClosure } from './closures';
import { bookForm, closedForm, moveForm, setupForm } from './forms';
import { kept } from './messages';

/** The agenda's "Rescheduled" button moves a meeting the same way. */
export { moveOccurrence } from './service';

// ---- setup ----------------------------------------------------------------------------------

const setup: CommandSpec<NewSchool> = {
  root: 'touchpoint',
  name: 'setup',
  visibility: 'channel-safe',
  usage: 'setup <school name> <time zone> [<HH:MM>-<HH:MM>]',
  describe: 'create your school (you become its principal)',
  example: 'setup Lincoln Elementary America/Chicago 07:45-15:15',
  schema: () =>
    z
      .object({
        name: word('missing the school name').pipe(z.string().max(100, { error: 'the school name must be at most 100 characters' })),
        timeZone: zTimeZone(),
        dayStart: z.string().optional().default('07:30').refine(isLocalTime, { error: 'the school day must look like 07:30-15:30' }),
        dayEnd: z.string().optional().default('15:30').refine(isLocalTime, { error: 'the school day must look like 07:30-15:30' }),
        extra: noExtra,
      })
      .refine((a) => minutesOfDay(a.dayStart) < minutesOfDay(a.dayEnd), { error: 'the school day must end after it starts', path: ['dayEnd'] }),
  fromWords(words) {
    if (words.length === 0) return null;
    const tzAt = words.findIndex((w) => w.includes('/') || /^utc$/i.test(w));
    if (tzAt < 0) return { name: words.join(' ') };
    const hours = words[tzAt + 1];
    const m = hours ? /^(\d{1,2}:\d{2})-(\d{1,2}:\d{2})$/.exec(hours) : null;
    const pad = (t: string): string => t.padStart(5, '0');
    return {
      name: words.slice(0, tzAt).join(' ') || undefined,
      timeZone: words[tzAt],
      dayStart: m ? pad(m[1]) : hours,
      dayEnd: m ? pad(m[2]) : hours === undefined ? undefined : 'x',
      extra: words[tzAt + 2],
    };
  },
  form: setupForm,
  handle: (ctx, args) => reply(createSchool(ctx, args)),
};

// ---- book --------------------------------------------------------------------------------------

const CADENCES = new Set(['weekly', 'biweekly']);

const book: CommandSpec<BookingRequest> = {
  root: 'touchpoint',
  name: 'book',
  visibility: 'channel-safe',
  usage: 'book @person weekly|biweekly <weekday> <HH:MM> [for <N>m] [from <date>]',
  describe: 'propose a recurring touch-point between a principal and a coach',
  example: 'book @casey weekly tue 14:00 for 45m',
  schema: (pctx) =>
    z.object({
      person: word('name the person to meet, like @casey'),
      cadence: z.enum(['weekly', 'biweekly'], {
        error: (iss) => (typeof iss.input === 'string' ? `"${iss.input}" is not weekly or biweekly` : 'say how often: weekly or biweekly'),
      }),
      weekday: zWeekday(),
      time: zTypedTime(),
      duration: z
        .union([z.string(), z.number()])
        .optional()
        .default('30')
        .pipe(zMinutes(15, 120, 'a touch-point')),
      from: zDate(pctx.today).optional(),
      extra: noExtra,
    }),
  fromWords(words) {
    if (words.length === 0) return null;
    const c = words.findIndex((w) => CADENCES.has(w.toLowerCase()));
    if (c < 0) return { person: words.join(' ') };
    const raw: Record<string, unknown> = {
      person: words.slice(0, c).join(' ') || undefined,
      cadence: words[c].toLowerCase(),
      weekday: words[c + 1],
      time: words[c + 2],
    };
    const rest = words.slice(c + 3);
    while (rest.length > 0) {
      const key = rest[0].toLowerCase();
      if (key === 'for' && rest.length >= 2) {
        raw.duration = rest[1];
        rest.splice(0, 2);
      } else if (key === 'from' && rest.length >= 2) {
        raw.from = rest[1];
        rest.splice(0, 2);
      } else {
        raw.extra = rest[0];
        break;
      }
    }
    return raw;
  },
  form: bookForm,
  handle: (ctx, args) => reply(proposeSeries(ctx, args)),
};

// ---- next -------------------------------------------------------------------------------------------

const next: CommandSpec<Record<string, never>> = {
  root: 'touchpoint',
  name: 'next',
  // Private: it lists the person's confirmed coaching sessions too, which nobody else may learn of.
  usage: 'next',
  describe: 'your next touch-point(s), in your school’s time zone',
  example: 'next',
  ...noArguments,
  handle: (ctx) => reply(...nextTouchpoints(ctx), ...sessionsReply(ctx)),
};

// ---- skip, move, pause, resume, cancel ----------------------------------------------------------------

interface SkipArgs {
  reason?: string;
  with?: string;
}
const skip: CommandSpec<SkipArgs> = {
  root: 'touchpoint',
  name: 'skip',
  usage: 'skip [reason]',
  describe: 'skip the next touch-point (it counts as skipped; say why)',
  example: 'skip state testing this week',
  schema: () => z.object({ reason: z.string().max(300, { error: 'the reason must be at most 300 characters' }).optional(), with: z.string().optional() }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { reason: rest.join(' ') || undefined, with: withPerson };
  },
  handle: (ctx, args) => reply(skipNext(ctx, args.reason, args.with)),
};

interface MoveArgs {
  date: TypedDay;
  time: TypedTime;
  with?: string;
}
const move: CommandSpec<MoveArgs> = {
  root: 'touchpoint',
  name: 'move',
  usage: 'move <date> <HH:MM>',
  describe: 'move the next touch-point (just that one); a weekday is in its week, a time without am/pm in the school day (asks first)',
  example: 'move thu 2:30',
  schema: (pctx) => z.object({ date: zTypedDay(pctx.today), time: zTypedTime(), with: z.string().optional(), extra: noExtra }),
  fromWords(words) {
    if (words.length === 0) return null;
    const { rest, withPerson } = takeWith(words);
    return { date: rest[0], time: rest[1], extra: rest[2], with: withPerson };
  },
  form: moveForm,
  handle: (ctx, args) => reply(askMove(ctx, args.date, args.time, args.with)),
};

const reschedule: CommandSpec<RescheduleRequest> = {
  root: 'touchpoint',
  name: 'reschedule',
  usage: 'reschedule [weekly|biweekly] <weekday> <HH:MM> [for <N>m] [from <date>]',
  describe: 'change the series’ weekly slot from a date on, keeping its history (asks first; the other person accepts)',
  example: 'reschedule thu 10:00 from 2027-01-04',
  schema: (pctx) =>
    z.object({
      cadence: z.enum(['weekly', 'biweekly']).optional(),
      weekday: zWeekday(),
      time: zTypedTime(),
      duration: z
        .union([z.string(), z.number()])
        .optional()
        .pipe(zMinutes(15, 120, 'a touch-point').optional()),
      from: zDate(pctx.today).optional(),
      with: z.string().optional(),
      extra: noExtra,
    }),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    const raw: Record<string, unknown> = { with: withPerson };
    if (rest[0] && CADENCES.has(rest[0].toLowerCase())) raw.cadence = rest.shift()!.toLowerCase();
    raw.weekday = rest.shift();
    raw.time = rest.shift();
    while (rest.length > 0) {
      const key = rest[0].toLowerCase();
      if ((key === 'for' || key === 'from') && rest.length >= 2) {
        raw[key === 'for' ? 'duration' : 'from'] = rest[1];
        rest.splice(0, 2);
      } else {
        raw.extra = rest[0];
        break;
      }
    }
    return raw;
  },
  handle: (ctx, args) => reply(askReschedule(ctx, args)),
};

interface PauseArgs {
  until: LocalDate;
  with?: string;
}
const pause: CommandSpec<PauseArgs> = {
  root: 'touchpoint',
  name: 'pause',
  usage: 'pause until <date>',
  describe: 'pause the series until a date (it resumes by itself; asks first, naming what it drops)',
  example: 'pause until 2027-01-05',
  schema: (pctx) =>
    z
      .object({
        keyword: z.literal('until', { error: 'say "until", like: pause until 2027-01-05' }),
        until: zDate(pctx.today, 'missing the date to resume on'),
        with: z.string().optional(),
        extra: noExtra,
      })
      .transform(({ until, with: w }) => ({ until, with: w })),
  fromWords(words) {
    const { rest, withPerson } = takeWith(words);
    return { keyword: rest[0]?.toLowerCase(), until: rest[1], extra: rest[2], with: withPerson };
  },
  handle: (ctx, args) => reply(askPause(ctx, args.until, args.with)),
};

const resume: CommandSpec<{ with?: string }> = {
  root: 'touchpoint',
  name: 'resume',
  usage: 'resume',
  describe: 'end a pause now',
  example: 'resume',
  ...onlyWithPerson,
  handle: (ctx, args) => reply(resumeSeries(ctx, args.with)),
};

const cancel: CommandSpec<{ with?: string }> = {
  root: 'touchpoint',
  name: 'cancel',
  usage: 'cancel',
  describe: 'end the series (asks first); also withdraws a proposal',
  example: 'cancel',
  ...onlyWithPerson,
  handle: (ctx, args) => reply(askToCancel(ctx, args.with)),
};

// ---- closed -----------------------------------------------------------------------------------------

const closed: CommandSpec<NewClosure> = {
  root: 'touchpoint',
  name: 'closed',
  visibility: 'channel-safe',
  usage: 'closed <date>[..<date>] <label>',
  describe: 'mark the school closed (holiday, testing day); touch-points those days are skipped',
  example: 'closed 2026-11-25..2026-11-27 Thanksgiving break',
  schema: (pctx) =>
    z
      .object({
        start: zDate(pctx.today, 'missing the date (like 2026-11-26, or a range 2026-12-21..2027-01-01)'),
        end: zDate(pctx.today, 'missing the end of the range'),
        label: word('missing the label (like Thanksgiving break)').pipe(z.string().max(100, { error: 'the label must be at most 100 characters' })),
      })
      .refine((a) => a.end >= a.start, { error: 'the range must end on or after its start', path: ['end'] })
      .refine((a) => daysBetween(a.start, a.end) <= 366, { error: 'a closure can span at most a year', path: ['end'] }),
  fromWords(words) {
    if (words.length === 0) return null;
    const [start, end] = words[0].split('..');
    return { start, end: end === undefined ? start : end || undefined, label: words.slice(1).join(' ') || undefined };
  },
  form: closedForm,
  handle: (ctx, args) => reply(markClosed(ctx, args)),
};

export function registerBooking(registry: CommandRegistry): void {
  registry.planner(materialiseAhead);
  for (const spec of [setup, book, next, skip, move, reschedule, pause, resume, cancel, closed] as CommandSpec<never>[]) {
    registry.command(spec);
  }
  registry.action({ actionId: 'booking.accept', settles: 'Accepted', handle: (ctx, v) => reply(acceptProposal(ctx, v)) });
  registry.onDelivery('booking.proposal', { undeliverable: proposalUndeliverable });
  registry.action({ actionId: 'booking.decline', settles: 'Declined', handle: (ctx, v) => reply(declineProposal(ctx, v)) });
  registry.action({ actionId: 'booking.unskip', settles: 'Put back', handle: (ctx, v) => reply(undoSkip(ctx, v)) });
  registry.action({ actionId: 'booking.cancel.confirm', settles: 'Cancelled', handle: (ctx, v) => reply(confirmCancel(ctx, v)) });
  registry.action({ actionId: 'booking.cancel.keep', settles: 'Kept', handle: () => reply(kept()) });
  registry.action({ actionId: 'booking.move.confirm', settles: 'Moved', handle: (ctx, v) => reply(confirmMove(ctx, v)) });
  registry.action({ actionId: 'booking.pause.confirm', settles: 'Paused', handle: (ctx, v) => reply(confirmPause(ctx, v)) });
  registry.action({ actionId: 'booking.reschedule.confirm', settles: 'Confirmed', handle: (ctx, v) => reply(confirmReschedule(ctx, v)) });
  registry.action({ actionId: 'booking.reschedule.accept', settles: 'Accepted', handle: (ctx, v) => reply(acceptChange(ctx, v)) });
  registry.action({ actionId: 'booking.reschedule.decline', settles: 'Declined', handle: (ctx, v) => reply(declineChange(ctx, v)) });
  registry.action({ actionId: 'booking.closure.undo', settles: 'Undone', visibility: 'channel-safe', handle: (ctx, v) => reply(undoClosure(ctx, v)) });
  registry.homeSection(homeSection);
}
