/** Every feature registers its commands and buttons here; the registry is the language. */
import { CommandRegistry } from '../core/registry';
import { registerHelp } from './help';
import { registerBooking } from './booking/commands';
import { registerPending } from './pending';
import { registerAgenda } from './agenda/commands';
import { registerEscalation } from './escalation/commands';
import { registerOperations } from './operations/commands';

export interface RegistryOptions {
  /** The service's public base URL, for links people open (calendar feeds, exports). */
  baseUrl: string;
  retentionDays: number;
}

export function buildRegistry(options: RegistryOptions = { baseUrl: 'http://127.0.0.1:3000', retentionDays: 400 }): CommandRegistry {
  const registry = new CommandRegistry();
  registerHelp(registry);
  registerBooking(registry);
  registerAgenda(registry);
  registerEscalation(registry);
  registerOperations(registry, options);
  registerPending(registry, [
    { root: 'touchpoint', name: 'calendar', usage: 'calendar', describe: 'your private calendar feed link', example: 'calendar' },
    { root: 'coaching', name: 'request', usage: 'request [topic] [details]', describe: 'ask a coach for help (only you and the coaches see it)', example: 'request classroom-management transitions after lunch' },
    { root: 'coaching', name: 'status', usage: 'status', describe: 'your requests and where they stand', example: 'status' },
    { root: 'coaching', name: 'withdraw', usage: 'withdraw <id>', describe: 'withdraw one of your requests', example: 'withdraw 12' },
    { root: 'coaching', name: 'forget-me', usage: 'forget-me', describe: 'erase everything Touchpoint holds about you', example: 'forget-me' },
    { root: 'coaching', name: 'queue', usage: 'queue', describe: 'open coaching requests, oldest first (coaches)', example: 'queue' },
    { root: 'coaching', name: 'hours', usage: 'hours <slots>', describe: 'set your office hours (coaches)', example: 'hours tue 10:00-11:00, thu 13:00-13:45' },
  ]);
  return registry;
}
