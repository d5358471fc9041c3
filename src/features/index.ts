/** Every feature registers its commands and buttons here; the registry is the language. */
import { CommandRegistry } from '../core/registry';
import { registerHelp } from './help';
import { registerBooking } from './booking/commands';
import { registerAgenda } from './agenda/commands';
import { registerEscalation } from './escalation/commands';
import { registerOperations } from './operations/commands';
import { registerCoaching } from './coaching';
import { registerCalendar } from './calendar/commands';
import { registerRoles } from './roles/commands';

export interface RegistryOptions {
  /** The service's public base URL, for links people open (calendar feeds, exports). */
  baseUrl: string;
  retentionDays: number;
  /** The district calendar imported as closures (a file path or an https URL). */
  schoolCalendarIcs?: string;
}

export function buildRegistry(options: RegistryOptions = { baseUrl: 'http://127.0.0.1:3000', retentionDays: 400 }): CommandRegistry {
  const registry = new CommandRegistry();
  registerHelp(registry);
  registerBooking(registry);
  registerRoles(registry);
  registerAgenda(registry);
  registerEscalation(registry);
  registerCalendar(registry, { baseUrl: options.baseUrl, source: options.schoolCalendarIcs });
  registerOperations(registry, options);
  registerCoaching(registry);
  return registry;
}
