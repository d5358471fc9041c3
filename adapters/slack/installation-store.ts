/**
 * Bolt's InstallationStore on SQLite (src/store/slack.ts): multi-workspace OAuth installs survive
 * restarts, and the Notifier finds the bot token that reaches a person in the same table — on
 * Enterprise Grid the installation of that person's own workspace.
 *
 * Token rotation is Bolt's: its installer refreshes a bot token that lapses within two hours
 * (oauth.v2.access, grant_type=refresh_token) whenever it authorizes, and stores the new token
 * here. Requests from Slack go through it anyway; proactive sends ask it too (`botTokenFor`).
 */
import type { AuthorizeResult, Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../../src/core/ports';
import { installKeyOf, type SlackStore } from '../../src/store/slack';

function queryKey(query: InstallationQuery<boolean>): string {
  return installKeyOf({ enterpriseId: query.enterpriseId, teamId: query.teamId, isEnterpriseInstall: query.isEnterpriseInstall });
}

/** Bolt's installer.authorize: answers with a fresh bot token, refreshing a lapsing one first. */
export type AuthorizeInstallation = (query: InstallationQuery<boolean>) => Promise<AuthorizeResult>;

export class SqliteInstallationStore implements InstallationStore {
  constructor(
    private readonly store: SlackStore,
    private readonly clock: Clock,
  ) {}

  storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const expiresAt = installation.bot?.expiresAt; // seconds since the epoch, with token rotation on
    this.store.saveInstallation(
      {
        enterpriseId: installation.enterprise?.id ?? null,
        teamId: installation.team?.id ?? null,
        isEnterpriseInstall,
        botToken: installation.bot?.token ?? null,
        botUserId: installation.bot?.userId ?? null,
        installation: JSON.stringify(installation),
        botTokenExpiresAt: typeof expiresAt === 'number' ? new Date(expiresAt * 1000) : null,
      },
      this.clock.now(),
    );
    return Promise.resolve();
  }

  fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const row = this.store.installationByKey(queryKey(query));
    // Bolt answers an unknown workspace with an authorization error (no listener runs).
    if (!row) return Promise.reject(new Error(`Touchpoint is not installed in ${queryKey(query)}`));
    return Promise.resolve(JSON.parse(row.installation) as Installation<'v1' | 'v2', boolean>);
  }

  deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    this.store.deleteInstallation(queryKey(query));
    return Promise.resolve();
  }

  /**
   * The bot token that reaches a person of a tenant (team id, or enterprise id on Grid): the
   * installation of their workspace (`teamId`, when known). A rotating token is refreshed first
   * when it is about to lapse (through Bolt's installer); undefined when none reaches them.
   */
  async botTokenFor(tenantExternalId: string, teamId: string | undefined, authorize?: AuthorizeInstallation): Promise<string | undefined> {
    const row = this.store.installationFor(tenantExternalId, teamId);
    if (!row) return undefined;
    if (!row.botTokenExpiresAt || !authorize) return row.botToken ?? undefined;
    const result = await authorize({
      teamId: row.teamId ?? undefined,
      enterpriseId: row.enterpriseId ?? undefined,
      isEnterpriseInstall: row.isEnterpriseInstall,
    });
    return result.botToken ?? undefined;
  }
}
