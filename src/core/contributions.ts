/**
 * What features contribute to messages another feature builds (the escalations section of the
 * compiled agenda), read by handlers as `ctx.contributions` and by composers as an argument.
 * Its own module so the request context and the registry can both name it.
 */
import type { Partnership, School, User } from './model';
import type { Services } from './ports';
import type { Block } from '../messages/model';

/** What a section of a partnership's compiled agenda is about, and who it is built for. */
export interface AgendaSectionInput {
  tenantId: number;
  partnership: Partnership;
  school: School;
  /** The touch-point the agenda is for; none when nothing is scheduled yet. */
  occurrence?: { startsAt: Date };
  viewer: User;
  now: Date;
}

/** A section another feature adds to a partnership's compiled agenda (escalations): blocks, or none. */
export type AgendaSection = (services: Services, input: AgendaSectionInput) => Block[];

/**
 * What features registered for messages another feature builds: handlers read it as
 * `ctx.contributions`, composers get it as an argument.
 */
export interface Contributions {
  readonly agendaSections: readonly AgendaSection[];
}
