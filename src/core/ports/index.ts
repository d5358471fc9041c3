/**
 * Ports the core owns. Features use these interfaces only; `src/store/` implements the
 * repositories over SQLite, adapters implement the Notifier, and `src/compose.ts` wires them.
 * Repositories are synchronous (better-sqlite3 is), which keeps transactions simple.
 */
import type { AgendaRepository } from './agenda';
import type { AuditRepository } from './audit';
import type { CalendarRepository } from './calendar';
import type { CoachingRepository } from './coaching';
import type { ErasureRepository } from './erasure';
import type { EscalationRepository } from './escalations';
import type { MeetingNotesRepository } from './meeting-notes';
import type { OperationsRepository } from './operations';
import type { OutboxRepository } from './outbox';
import type { PeopleRepository } from './people';
import type { SeriesRepository } from './series';

export * from './runtime';
export * from './agenda';
export * from './audit';
export * from './calendar';
export * from './coaching';
export * from './erasure';
export * from './escalations';
export * from './meeting-notes';
export * from './operations';
export * from './outbox';
export * from './people';
export * from './series';

/** Runs work as one unit: all of it is written, or none. Nested calls join the outer one. */
export interface Transactor {
  transaction<T>(fn: () => T): T;
}

/** Every repository a feature may use, one per aggregate. */
export interface Services extends Transactor {
  /**
   * Moves everything committed out of the write-ahead log into the database file and empties the
   * log, so text just erased (overwritten there, with secure_delete) is left in neither. Costly:
   * after an erasure, not after every write.
   */
  flushErased(): void;
  people: PeopleRepository;
  series: SeriesRepository;
  calendar: CalendarRepository;
  agenda: AgendaRepository;
  meetingNotes: MeetingNotesRepository;
  escalations: EscalationRepository;
  coaching: CoachingRepository;
  erasure: ErasureRepository;
  outbox: OutboxRepository;
  audit: AuditRepository;
  operations: OperationsRepository;
}
