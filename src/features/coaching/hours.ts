/**
 * `/coaching hours`: a coach's office hours, offered to teachers as choices when they ask for help.
 */
import { z } from 'zod';
import type { CommandSpec } from '../../core/registry';
import { reply } from '../../core/context';
import { minutesOfDay, parseLocalTime, parseWeekday } from '../../core/datetime';
import type { OfficeHour } from '../../core/ports';
import { slotLabel } from './labels';
import { officeHours } from './service';
import { hoursMessage } from './views';

const MAX_SLOTS = 10;

/** `tue 10:00-11:00, thu 13:00-13:45` → slots on school days, each ending after it starts, none overlapping. */
export function parseSlots(text: string): { ok: true; value: OfficeHour[] } | { ok: false; error: string } {
  const parts = text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, error: 'say the slots, like: hours tue 10:00-11:00, thu 13:00-13:45' };
  if (parts.length > MAX_SLOTS) return { ok: false, error: `at most ${MAX_SLOTS} office-hour slots, please` };
  const slots: OfficeHour[] = [];
  for (const part of parts) {
    const m = /^(\S+)\s+(\S+?)\s*[-–]\s*(\S+)$/.exec(part);
    if (!m) return { ok: false, error: `"${part}" is not a slot (like tue 10:00-11:00)` };
    const day = parseWeekday(m[1]);
    if (!day.ok) return { ok: false, error: day.error };
    if (day.value > 5) return { ok: false, error: `"${part}": office hours are on school days (mon to fri)` };
    const start = parseLocalTime(m[2]);
    if (!start.ok) return { ok: false, error: start.error };
    const end = parseLocalTime(m[3]);
    if (!end.ok) return { ok: false, error: end.error };
    if (minutesOfDay(end.value) <= minutesOfDay(start.value)) return { ok: false, error: `"${part}": the slot must end after it starts` };
    const slot: OfficeHour = { weekday: day.value, start: start.value, end: end.value };
    const clash = slots.find((s) => s.weekday === slot.weekday && s.start < slot.end && slot.start < s.end);
    if (clash) return { ok: false, error: `"${part}" overlaps ${slotLabel(clash)}` };
    slots.push(slot);
  }
  return { ok: true, value: slots.sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start)) };
}

interface HoursArgs {
  op: 'show' | 'clear' | 'set';
  slots: OfficeHour[];
}
export const hours: CommandSpec<HoursArgs> = {
  root: 'coaching',
  name: 'hours',
  usage: 'hours <slots>',
  describe: 'set your office hours (coaches)',
  example: 'hours tue 10:00-11:00, thu 13:00-13:45',
  schema: () =>
    z.object({
      op: z.enum(['show', 'clear', 'set']),
      slots: z
        .string()
        .optional()
        .transform((s, c): OfficeHour[] => {
          if (s === undefined) return [];
          const parsed = parseSlots(s);
          if (!parsed.ok) {
            c.addIssue({ code: 'custom', message: parsed.error });
            return z.NEVER;
          }
          return parsed.value;
        }),
    }),
  fromWords(words) {
    if (words.length === 0) return { op: 'show' };
    if (words.length === 1 && words[0].toLowerCase() === 'clear') return { op: 'clear' };
    return { op: 'set', slots: words.join(' ') };
  },
  handle(ctx, args) {
    const { slots, zones } = officeHours(ctx, args);
    return reply(hoursMessage(args.op, slots, zones));
  },
};
