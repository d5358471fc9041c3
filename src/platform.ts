/**
 * The contract every platform adapter (adapters/slack, adapters/teams, adapters/console)
 * implements, so `main.ts` starts and stops them without knowing any one of them.
 *
 * It lives beside compose.ts rather than in src/core/ because an adapter starts on the whole
 * composed `Core` (the dispatcher for its Notifier, platformStores for its own tables), and the
 * core must not depend on the composition that builds it.
 */
import type { Core } from './compose';
import type { Platform } from './core/model';
import type { Notifier } from './core/ports';

/**
 * Thrown by `start` when the platform cannot be reached (a network error or timeout), as opposed
 * to refusing the credentials: the service starts without it and retries (src/platform-start.ts).
 */
export class PlatformUnreachableError extends Error {
  override name = 'PlatformUnreachableError';
}

export interface PlatformAdapter {
  /** The platform it serves: its users' identities say so, and so does its Notifier. */
  readonly name: Platform;
  /** How operators' messages name it (`touchpoint: cannot start: Slack: …`). */
  readonly title: string;
  /**
   * Connects the platform to the core: registers its Notifier with `core.dispatcher`, mounts its
   * routes on the service's HTTP server, checks its credentials, connects. Called before the
   * server listens and before the first scheduler tick; a `PlatformUnreachableError` means "not
   * now" (it is called again later, so it must leave nothing half-registered), any other throw
   * means it cannot work, and the service does not start.
   */
  start(core: Core): Promise<void>;
  /**
   * The adapter's foreground session, for one that owns the terminal (the console): called after
   * the first tick; when it returns (end of input) the service stops.
   */
  run?(): Promise<void>;
  /** Stops taking new requests (Socket Mode disconnects) and waits for the handlers under way. */
  stop(): Promise<void>;
  /** Waits for the requests the HTTP server accepted before it closed, once it has. */
  settled?(): Promise<void>;
  /** The Notifier it registered on start (none before, or for an adapter that sends no DMs). */
  readonly notifier?: Notifier;
}
