/**
 * `/touchpoint calendar [rotate|import]`: your private calendar feed link, rotating it, and
 * importing the school's calendar into closures. The work is in service.ts, the text in messages.ts.
 */
import { z } from 'zod';
import type { CommandRegistry, CommandSpec } from '../../core/registry';
import { noExtra } from '../../core/args';
import { SchoolCalendarSource } from './import';
import { askToRotate, dailySync, importNow, rotateFeed, showFeed } from './service';
import { howToSubscribe, keptMessage } from './messages';

export interface CalendarOptions {
  /** The service's public base URL (PUBLIC_URL, or http://localhost:PORT). */
  baseUrl: string;
  /** The school calendar (SCHOOL_CALENDAR_ICS): a file path or an https URL, or a source object. */
  source?: SchoolCalendarSource | string;
}

interface CalendarArgs {
  op?: 'rotate' | 'import';
}

function calendarCommand(baseUrl: string, source: SchoolCalendarSource | undefined): CommandSpec<CalendarArgs> {
  return {
    root: 'touchpoint',
    name: 'calendar',
    usage: 'calendar [rotate|import]',
    describe: 'your private calendar feed link (rotate: a new link); import: the school calendar’s closures (leaders and admins)',
    example: 'calendar',
    schema: () =>
      z
        .object({
          op: z.enum(['rotate', 'import'], { error: (iss) => `"${String(iss.input)}" is not rotate or import` }).optional(),
          extra: noExtra,
        })
        .transform(({ op }) => ({ op })),
    fromWords: (words) => ({ op: words[0]?.toLowerCase(), extra: words[1] }),
    handle(ctx, args) {
      if (args.op === 'import') return importNow(ctx, source);
      if (args.op === 'rotate') return askToRotate(ctx, baseUrl);
      return showFeed(ctx, baseUrl);
    },
  };
}

/** Registers `/touchpoint calendar`, its buttons and the daily re-import; returns the source it uses. */
export function registerCalendar(registry: CommandRegistry, options: CalendarOptions): SchoolCalendarSource | undefined {
  const source = typeof options.source === 'string' ? new SchoolCalendarSource(options.source) : options.source;
  registry.command(calendarCommand(options.baseUrl, source));
  registry.action({ actionId: 'calendar.rotate', handle: (ctx) => askToRotate(ctx, options.baseUrl) });
  registry.action({ actionId: 'calendar.rotate.confirm', settles: 'New link made', handle: (ctx, value) => rotateFeed(ctx, value, options.baseUrl) });
  registry.action({ actionId: 'calendar.rotate.keep', settles: 'Kept', handle: () => ({ messages: [keptMessage()] }) });
  registry.action({ actionId: 'calendar.subscribe', handle: () => ({ messages: [howToSubscribe()] }) });
  // An erased person keeps no calendar link (after forget-me they hold no role, so it would show nothing anyway).
  registry.listen('user.forgotten', (ctx, { userId }) => {
    ctx.services.calendar.deleteFeed(ctx.actor.tenant.id, userId);
  });
  if (source) registry.planner(dailySync(source));
  return source;
}
