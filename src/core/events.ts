/**
 * Domain events: what one feature tells the others, in the same transaction as the change.
 * Each event's payload is typed here; `DOMAIN_EVENTS` lists them all, and a test checks that
 * every event has at least one listener, so an event nobody hears is caught.
 */
export interface DomainEvents {
  /** A proposed series was accepted by the invited person. */
  'series.accepted': { seriesId: number };
  /** A person erased themselves (`/coaching forget-me`): other features drop what they hold about them. */
  'user.forgotten': { userId: number };
}

export type DomainEvent = keyof DomainEvents;

export const DOMAIN_EVENTS: readonly DomainEvent[] = ['series.accepted', 'user.forgotten'] satisfies readonly DomainEvent[];
