/**
 * Calendar test helpers: a Touchpoint app with `/touchpoint calendar` registered on the
 * harness's own services (until the lead wires it into buildRegistry, the core's registry holds
 * only its placeholder), the feed route on a real HTTP server on 127.0.0.1, and ical.js to read feeds.
 */
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import { Touchpoint } from '../../../src/core/app';
import { CommandRegistry } from '../../../src/core/registry';
import type { Reply } from '../../../src/core/context';
import { HttpServer } from '../../../src/http/server';
import { buttonsOf, type Message } from '../../../src/messages/model';
import { registerCalendar, type CalendarOptions } from '../../../src/features/calendar/commands';
import { calendarRoute } from '../../../src/features/calendar/feed';
import { inbound, type Harness } from '../../support/harness';

// ical.js ships an ES module with a CommonJS build; this project compiles to CommonJS.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- its types are ES-module-only, so `import` cannot reach the CommonJS build
export const ICAL = require('ical.js') as typeof ICALModule;

export const BASE_URL = 'https://touchpoint.example.org';

export interface CalendarRig {
  run(handle: string, text: string, tenant?: string): Reply;
  press(handle: string, message: Message, label: string): Reply;
  get(path: string): Promise<{ status: number; headers: Headers; body: string }>;
  close(): Promise<void>;
}

export async function calendarRig(h: Harness, options: Partial<CalendarOptions> = {}): Promise<CalendarRig> {
  const registry = new CommandRegistry();
  registerCalendar(registry, { baseUrl: BASE_URL, ...options });
  const app = new Touchpoint({ services: h.core.services, clock: h.clock, registry });
  const http = new HttpServer();
  http.route('GET', '/calendar/*', calendarRoute(h.core.services, h.clock));
  const address = await http.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    run: (handle, text, tenant) => app.command(inbound(handle, tenant), 'touchpoint', text),
    press(handle, message, label) {
      const button = buttonsOf(message).find((b) => b.label === label);
      if (!button) throw new Error(`no button "${label}" in: ${message.text}`);
      return app.action(inbound(handle), button.actionId, button.value);
    },
    async get(path) {
      const res = await fetch(`${origin}${path}`);
      return { status: res.status, headers: res.headers, body: await res.text() };
    },
    close: () => http.close(),
  };
}

/** The feed URL in a reply, as a path on the test server. */
export function feedPathIn(reply: Reply): string {
  const m = /https:\/\/touchpoint\.example\.org(\/calendar\/[A-Za-z0-9_-]+\.ics)/.exec(reply.messages.map((x) => x.text).join('\n'));
  if (!m) throw new Error(`no feed link in: ${reply.messages.map((x) => x.text).join('\n')}`);
  return m[1];
}

/** What ical.js's Event#getOccurrenceDetails returns (its declarations name this type without declaring it). */
interface OccurrenceDetails {
  recurrenceId: InstanceType<typeof ICAL.Time>;
  item: InstanceType<typeof ICAL.Event>;
  startDate: InstanceType<typeof ICAL.Time>;
  endDate: InstanceType<typeof ICAL.Time>;
}

export interface Instance {
  start: Date;
  end: Date;
  recurrenceId: Date;
  moved: boolean;
}

/** Parses a feed with ical.js, registers its VTIMEZONEs, and returns its VCALENDAR. */
export function parseFeed(body: string): InstanceType<typeof ICAL.Component> {
  const cal = new ICAL.Component(ICAL.parse(body) as unknown[]); // one VCALENDAR: a single jCal component
  for (const vtz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  return cal;
}

/** Expands a series (master VEVENT plus its overrides) up to `until`, with ical.js. */
export function expand(cal: InstanceType<typeof ICAL.Component>, uid: string, until: Date): Instance[] {
  const vevents = cal.getAllSubcomponents('vevent').filter((v) => v.getFirstPropertyValue('uid') === uid);
  const master = vevents.find((v) => !v.hasProperty('recurrence-id'));
  if (!master) throw new Error(`no master VEVENT ${uid}`);
  const event = new ICAL.Event(master, { strictExceptions: true });
  for (const ex of vevents.filter((v) => v.hasProperty('recurrence-id'))) event.relateException(ex);
  const out: Instance[] = [];
  const it = event.iterator();
  for (let next = it.next(); next && next.toJSDate() < until; next = it.next()) {
    const d: OccurrenceDetails = event.getOccurrenceDetails(next);
    out.push({ start: d.startDate.toJSDate(), end: d.endDate.toJSDate(), recurrenceId: d.recurrenceId.toJSDate(), moved: d.item !== event });
    if (out.length > 500) throw new Error('runaway expansion');
  }
  return out;
}

export const uids = (cal: InstanceType<typeof ICAL.Component>): string[] => [
  ...new Set(cal.getAllSubcomponents('vevent').map((v) => String(v.getFirstPropertyValue('uid')))),
];
