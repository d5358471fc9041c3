/**
 * Bolt's InstallationStore on SQLite (src/store/slack.ts): multi-workspace OAuth installs survive
 * restarts, and the Notifier finds the bot token for a recipient's tenant in the same table.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../../src/core/ports';
import { installKeyOf, type SlackStore } from '../../src/store/slack';

function queryKey(query: InstallationQuery<boolean>): string {
  return installKeyOf({ enterpriseId: query.enterpriseId, teamId: query.teamId, isEnterpriseInstall: query.isEnterpriseInstall });
}

export class SqliteInstallationStore implements InstallationStore {
  constructor(
    private readonly store: SlackStore,
    private readonly clock: Clock,
    /** Told who installed the app where (tenant: enterprise id on Grid, else team id): they become its admin. */
    private readonly onInstalled?: (tenantExternalId: string, installerUserId: string, botToken?: string) => void,
  ) {}

  storeInstallation<AuthVersion extends 'v1' | 'v2'>(installation: Installation<AuthVersion, boolean>): Promise<void> {
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    this.store.saveInstallation(
      {
        enterpriseId: installation.enterprise?.id ?? null,
        teamId: installation.team?.id ?? null,
        isEnterpriseInstall,
        botToken: installation.bot?.token ?? null,
        botUserId: installation.bot?.userId ?? null,
        installation: JSON.stringify(installation),
      },
      this.clock.now(),
    );
    const tenant = installation.enterprise?.id ?? installation.team?.id;
    if (tenant && installation.user?.id) this.onInstalled?.(tenant, installation.user.id, installation.bot?.token);
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

  /** The bot token serving a tenant (team id, or enterprise id on Grid), for proactive DMs. */
  botTokenForTenant(tenantExternalId: string): string | undefined {
    return this.store.installationForTenant(tenantExternalId)?.botToken ?? undefined;
  }
}
