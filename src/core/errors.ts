/** Errors a handler throws to answer the user; anything else is a bug and is logged. */
import type { User } from './model';

/** Bad input or a refused action: one line for the user (and the usage line, when it is input). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Allowed input, but the policy or the state says no; no usage line is shown. */
export class Refusal extends Error {}

/** A name that fits several people: the user picks, the bot never guesses. */
export class AmbiguousPersonError extends Error {
  constructor(
    readonly token: string,
    readonly candidates: User[],
  ) {
    super(`"${token}" could be ${candidates.map((c) => c.displayName).join(' or ')}`);
  }
}

/** Several things fit (series, schools): the user picks one of the re-runnable commands. */
export class NeedsChoice extends Error {
  constructor(
    question: string,
    readonly choices: { label: string; text: string }[],
  ) {
    super(question);
  }
}

/** The database was held by another writer longer than the busy timeout; nothing was changed. */
export class BusyError extends Error {
  constructor(override readonly cause: unknown) {
    super((cause as Error | null)?.message ?? 'the database is busy');
  }
}
