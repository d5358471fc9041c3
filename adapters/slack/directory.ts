/**
 * Display names for Slack users, from users.info, cached for a day and stored on the user row
 * (`Touchpoint.identify`), so replies say "Casey Lee" rather than "U0123". A failed lookup is never
 * fatal: the person is still known by id and keeps whatever name was stored before.
 */
import type { WebClient } from '@slack/web-api';
import type { Core } from '../../src/compose';
import type { SlackStore } from '../../src/store/slack';
import type { Logger } from '../../src/core/ports';

export const NAME_TTL_MS = 24 * 60 * 60_000;

export interface SlackPerson {
  displayName?: string;
  /** A bot or app user, or a deactivated account (users.info says): never given a role. */
  kind?: 'bot' | 'deactivated';
  /** The Slack username (`casey.lee`), usable as a typed name in commands. */
  handle?: string;
}

interface UsersInfoUser {
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { display_name?: string; display_name_normalized?: string; real_name?: string; real_name_normalized?: string };
}

export function displayNameOf(user: UsersInfoUser): string | undefined {
  const p = user.profile ?? {};
  const candidates = [p.display_name_normalized, p.display_name, p.real_name_normalized, p.real_name, user.real_name, user.name];
  return candidates.map((c) => c?.trim()).find((c): c is string => !!c);
}

export class SlackDirectory {
  private readonly cache = new Map<string, { person: SlackPerson; fetchedAt: number }>();

  constructor(
    private readonly core: Pick<Core, 'app' | 'clock'>,
    private readonly logger: Logger,
    /** Where people's workspaces are kept (Enterprise Grid: whose bot token reaches them). */
    private readonly store?: SlackStore,
  ) {}

  /** Keeps the workspace a person was found in, unless one is already known (they acted from it). */
  private found(tenantExternalId: string, userId: string, teamId: string | undefined): void {
    if (teamId) this.store?.rememberWorkspace(tenantExternalId, userId, teamId, this.core.clock.now(), false);
  }

  /**
   * Looks up the people (cached ones without a call), stores their names, and returns them by
   * user id. `fetch: false` only reads the cache (for requests that must answer within 3 s).
   */
  async people(client: WebClient, tenantExternalId: string, userIds: string[], fetch = true, teamId?: string): Promise<Map<string, SlackPerson>> {
    const out = new Map<string, SlackPerson>();
    const now = this.core.clock.now().getTime();
    await Promise.all(
      userIds.map(async (userId) => {
        const key = `${tenantExternalId}:${userId}`;
        const cached = this.cache.get(key);
        if (cached && now - cached.fetchedAt < NAME_TTL_MS) {
          out.set(userId, cached.person);
          return;
        }
        if (!fetch) return;
        try {
          const res = await client.users.info({ user: userId });
          const user = res.user;
          if (!user) return;
          const kind = user.is_bot ? 'bot' : user.deleted ? 'deactivated' : undefined;
          const person: SlackPerson = { displayName: displayNameOf(user), handle: user.name || undefined, ...(kind ? { kind } : {}) };
          this.cache.set(key, { person, fetchedAt: now });
          out.set(userId, person);
          this.core.app.identify({
            platform: 'slack',
            tenantExternalId,
            userExternalId: userId,
            displayName: person.displayName,
            handle: person.handle,
            kind: kind ?? 'person',
          });
          // users.info names their home workspace; else the workspace whose token found them.
          this.found(tenantExternalId, userId, user.team_id ?? teamId);
        } catch (err) {
          this.logger.debug({ userId, err: (err as Error)?.message }, 'users.info failed; using the stored name');
        }
      }),
    );
    return out;
  }

  /**
   * Reads the workspace's member list (users.list, page by page), so its staff are known by name
   * before they speak: a typed name ("Megan Bowen", "@megan") then resolves to them. Bots and
   * deactivated accounts are stored as such, so no role is ever given to them. Returns how many
   * people were read; a failure leaves people to be learned as they speak or are mentioned.
   */
  async seed(client: WebClient, tenantExternalId: string, teamId?: string): Promise<number> {
    let cursor: string | undefined;
    let read = 0;
    try {
      for (let page = 0; page < 100; page++) {
        const res = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
        for (const user of res.members ?? []) {
          if (!user.id || user.id === 'USLACKBOT') continue;
          const kind = user.is_bot ? 'bot' : user.deleted ? 'deactivated' : 'person';
          const person: SlackPerson = { displayName: displayNameOf(user), handle: user.name || undefined, ...(kind !== 'person' ? { kind } : {}) };
          this.cache.set(`${tenantExternalId}:${user.id}`, { person, fetchedAt: this.core.clock.now().getTime() });
          this.core.app.identify({
            platform: 'slack',
            tenantExternalId,
            userExternalId: user.id,
            displayName: person.displayName,
            handle: person.handle,
            kind,
          });
          this.found(tenantExternalId, user.id, teamId ?? user.team_id);
          read += 1;
        }
        cursor = res.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
      this.logger.info({ read }, 'Slack member list read');
    } catch (err) {
      this.logger.warn({ err: (err as Error)?.message ?? String(err), read }, 'Slack member list could not be read');
    }
    return read;
  }
}
