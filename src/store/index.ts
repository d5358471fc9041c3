/**
 * The store's one entry point for the composition root: every repository port implemented over
 * one SQLite connection, and the transaction they share. A busy database surfaces as the core's
 * BusyError, so nothing outside the store needs to know SQLite's error codes.
 */
import type { Db } from './db';
import { isBusyError } from './db';
import { BusyError } from '../core/errors';
import type { Services } from '../core/ports';
import { AgendaStore } from './agenda';
import { AuditStore } from './audit';
import { CalendarStore } from './calendar';
import { CoachingStore } from './coaching';
import { ErasureStore } from './erasure';
import { ErasureLedger } from './erasure-ledger';
import { EscalationStore } from './escalations';
import { MeetingNotesStore } from './meeting-notes';
import { OperationsStore } from './operations';
import { OutboxStore } from './outbox';
import { PeopleStore } from './people';
import { SeriesStore } from './series';
import { SlackStore } from './slack';
import { TeamsConversationRepository } from './teams';
import { OutboxPartsStore } from './outbox-parts';
import { TeamsCardStore } from './teams-cards';

/** The repositories only one platform's adapter uses (installations, conversation references). */
export interface PlatformStores {
  slack: SlackStore;
  teams: TeamsConversationRepository;
  /** Teams cards with buttons as sent, to redraw one a press settled. */
  teamsCards: TeamsCardStore;
  /** Parts of split messages already delivered, written by the notifiers. */
  outboxParts: OutboxPartsStore;
}

export function createPlatformStores(db: Db): PlatformStores {
  return {
    slack: new SlackStore(db),
    teams: new TeamsConversationRepository(db),
    teamsCards: new TeamsCardStore(db),
    outboxParts: new OutboxPartsStore(db),
  };
}

export interface ServiceOptions {
  /** The erasure ledger's file (see erasure-ledger.ts); none by default. */
  erasureLedgerPath?: string;
}

export function createServices(db: Db, options: ServiceOptions = {}): Services {
  return {
    transaction<T>(fn: () => T): T {
      try {
        return db.transaction(fn)();
      } catch (err) {
        throw isBusyError(err) ? new BusyError(err) : err;
      }
    },
    flushErased(): void {
      if (db.memory) return;
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    people: new PeopleStore(db),
    series: new SeriesStore(db),
    calendar: new CalendarStore(db),
    agenda: new AgendaStore(db),
    meetingNotes: new MeetingNotesStore(db),
    escalations: new EscalationStore(db),
    coaching: new CoachingStore(db),
    erasure: new ErasureStore(db, new ErasureLedger(options.erasureLedgerPath)),
    outbox: new OutboxStore(db),
    audit: new AuditStore(db),
    operations: new OperationsStore(db),
  };
}
