/** Ports the core owns; adapters and the store implement them. */
import type { Message } from '../../messages/model';
import type { Platform } from '../model';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests and the console can move by hand. */
export class SettableClock implements Clock {
  private current: number;
  constructor(start: Date) {
    this.current = start.getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date): void {
    this.current = to.getTime();
  }
  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }
}

/** Who a message goes to: the internal user plus how the platform knows them. */
export interface UserRef {
  userId: number;
  tenantExternalId: string;
  externalId: string;
  displayName: string;
}

export type Delivery =
  | { status: 'delivered' }
  /** Try again no sooner than this (a platform rate limit, a transient fault). */
  | { status: 'retry'; afterSeconds?: number; error: string }
  /** The platform cannot reach this user now (no conversation, user gone); retried with backoff. */
  | { status: 'unreachable'; error: string }
  /** The platform refused this message itself (too large): sending it again cannot help, and the user is not at fault. */
  | { status: 'rejected'; error: string };

/** What a send delivers: the outbox row, so a message sent in parts resumes where a failed attempt stopped. */
export interface SendContext {
  outboxId: number;
}

export interface Notifier {
  /** The platform this notifier delivers to. */
  readonly platform: Platform;
  send(recipient: UserRef, message: Message, context?: SendContext): Promise<Delivery>;
}

/** The structured logger's shape (pino satisfies it); log ids and facts, never confidential text. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
