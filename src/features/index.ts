/** Every feature registers its commands and buttons here; the registry is the language. */
import { CommandRegistry } from '../core/registry';
import { registerHelp } from './help';
import { registerBooking } from './booking/commands';
import { registerPending } from './pending';

export function buildRegistry(): CommandRegistry {
  const registry = new CommandRegistry();
  registerHelp(registry);
  registerBooking(registry);
  registerPending(registry, [
    { root: 'touchpoint', name: 'agenda', usage: 'agenda', describe: 'the agenda of your next touch-point', example: 'agenda' },
    { root: 'touchpoint', name: 'add', usage: 'add [section] <text>', describe: 'add an item to the next agenda', example: 'add wins Grade 3 reading scores up' },
    { root: 'touchpoint', name: 'priorities', usage: 'priorities [set <1-3> <text> | clear <1-3>]', describe: 'the shared top priorities (at most 3)', example: 'priorities set 1 Guided reading in every K-2 room' },
    { root: 'touchpoint', name: 'escalate', usage: 'escalate', describe: 'raise a concern through the escalation pathway (coaches)', example: 'escalate' },
    { root: 'touchpoint', name: 'escalations', usage: 'escalations', describe: 'open escalations, with stage and age', example: 'escalations' },
    { root: 'touchpoint', name: 'notes', usage: 'notes', describe: 'record what happened at the last touch-point', example: 'notes' },
    { root: 'touchpoint', name: 'report', usage: 'report', describe: 'partnership health over the last 8 weeks', example: 'report' },
    { root: 'touchpoint', name: 'calendar', usage: 'calendar', describe: 'your private calendar feed link', example: 'calendar' },
    { root: 'touchpoint', name: 'settings', usage: 'settings', describe: 'reminder timings and which reminders you get', example: 'settings' },
    { root: 'coaching', name: 'request', usage: 'request [topic] [details]', describe: 'ask a coach for help (only you and the coaches see it)', example: 'request classroom-management transitions after lunch' },
    { root: 'coaching', name: 'status', usage: 'status', describe: 'your requests and where they stand', example: 'status' },
    { root: 'coaching', name: 'withdraw', usage: 'withdraw <id>', describe: 'withdraw one of your requests', example: 'withdraw 12' },
    { root: 'coaching', name: 'forget-me', usage: 'forget-me', describe: 'erase everything Touchpoint holds about you', example: 'forget-me' },
    { root: 'coaching', name: 'queue', usage: 'queue', describe: 'open coaching requests, oldest first (coaches)', example: 'queue' },
    { root: 'coaching', name: 'hours', usage: 'hours <slots>', describe: 'set your office hours (coaches)', example: 'hours tue 10:00-11:00, thu 13:00-13:45' },
  ]);
  return registry;
}
