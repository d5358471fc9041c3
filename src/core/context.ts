/** What a command, button or form handler gets to work with. */
import type { Actor, User } from './model';
import type { LocalDate } from './datetime';
import type { Message } from '../messages/model';
import type { Services } from './ports';
import type { DomainEvent, DomainEvents } from './events';
import type { Contributions } from './contributions';

export type { Services };

/** Turns what a person typed for someone (a mention, `@casey`, `Casey Lee`) into a user. */
export interface PersonResolver {
  resolve(token: string): User;
  /** The text with each platform mention in it replaced by the person's reference (core/person-refs.ts). */
  referenceMentions(text: string): string;
}

/** A personal chat with the bot, or a conversation other people read. */
export type ConversationKind = 'personal' | 'shared';

/** Work the service finishes in the background, in short slices, after a request starts it. */
export type BackgroundJob = 'erasures';

export interface RequestContext {
  actor: Actor;
  now: Date;
  /** The actor's "today", in the zone of their first school (UTC when they have none). */
  today: LocalDate;
  services: Services;
  people: PersonResolver;
  /** What other features add to messages this one builds (sections of the compiled agenda). */
  contributions: Contributions;
  /**
   * Where the request was made, when the platform says: a personal chat with the bot, or a
   * conversation others read (a Teams channel or group chat), where only channel-safe commands run.
   */
  where?: ConversationKind;
  /** The command as typed, when the request came from text (choice buttons re-run it). */
  invocation?: { root: 'touchpoint' | 'coaching'; text: string };
  /** Runs `fn` once this request's transaction has committed (never when it rolled back). */
  afterCommit(fn: () => void): void;
  /** Starts (or keeps going) a background job once this request's transaction has committed. */
  wake(job: BackgroundJob): void;
  /** Records what the actor did in the audit log (ids and facts only, never confidential text). */
  audit(entry: { schoolId: number | null; action: string; subjectType: string; subjectId: number | null; detail?: string }): void;
  /** Tells other features something happened (listeners run in this same transaction). */
  emit<E extends DomainEvent>(event: E, payload: DomainEvents[E]): void;
  /** Plans a DM composed when it is sent (`kind` names its composer), due now unless `dueAt` says otherwise. */
  schedule(recipient: User, kind: string, compose: Record<string, string | number>, dedupeKey: string, dueAt?: Date, expiresAt?: Date): void;
  /** Queues a DM through the outbox, due now unless `dueAt` says otherwise. */
  notify(recipient: User, kind: string, message: Message, dedupeKey: string, dueAt?: Date, expiresAt?: Date): void;
}

/** What goes back to the person who acted (their reply, ephemeral where the platform allows). */
export interface Reply {
  messages: Message[];
  /**
   * For a button press: the line that replaces the pressed message's controls (the buttons are
   * used up). Absent: the message is left as it was.
   */
  outcome?: string;
}

export const reply = (...messages: Message[]): Reply => ({ messages });
