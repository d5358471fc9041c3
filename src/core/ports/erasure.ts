/**
 * Erasure (`/coaching forget-me`) as the store carries it out: begun inside the request's
 * transaction (what the person sees go at once), finished in short slices, each its own
 * transaction, so no slice holds the write lock for long whatever the size of the database. The
 * store keeps a ledger of erasures (ids only, no content) outside the database file, and applies
 * it again when the service starts on a restored backup.
 */

/** `everything`: the person asked to be forgotten. `teacher_data`: a staff member erased what they hold as a teacher; their role (and name) stay. */
export type ErasureScope = 'everything' | 'teacher_data';

export interface ErasureStarted {
  /** Coaching requests erased (with their conversations and answers). */
  requests: number;
}

/** An erasure that has finished: whose text lost the person's name, so they can be told. */
export interface ErasureCompleted {
  tenantId: number;
  userId: number;
  scope: ErasureScope;
  /** People whose written text (agenda items, escalations, …) had the name taken out, and how many texts each. */
  redactedFor: { authorId: number; texts: number }[];
}

export interface ErasureSlice {
  completed: ErasureCompleted[];
  /** Whether work remains: call `step` again (after letting others at the database). */
  more: boolean;
}

export interface ErasureRepository {
  /**
   * In the request's transaction: erases the person's coaching requests (and whatever was queued
   * about them) and records the erasure; the rest (their name in others' text, then the user row)
   * follows in slices. A second call for someone already being erased adds nothing.
   */
  begin(tenantId: number, userId: number, scope: ErasureScope, now: Date): ErasureStarted;
  /** Writes erasures begun since the last call to the ledger file (right after the request that began them commits). */
  syncLedger(): void;
  /** One slice of the erasures under way, in its own transaction, stopping after about `budgetMs`. */
  step(budgetMs: number, now: Date): ErasureSlice;
  /** Whether an erasure is under way (begun, or found in the ledger, and not finished). */
  pending(): boolean;
  /**
   * At start-up: every erasure in the ledger that this database does not show (a backup from
   * before it was restored) is begun again, and the ledger is brought up to date with the database.
   * Returns how many were begun again.
   */
  reconcileLedger(now: Date): number;
}
