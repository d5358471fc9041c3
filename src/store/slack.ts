/**
 * Slack's own tables (migrations/0004_slack.sql, 0025): OAuth installations, the workspace each
 * person is reached through, and the delivery log that makes a retried Slack request act once. Installations are stored as opaque JSON so nothing
 * under src/ depends on Slack's types; the Slack adapter maps them.
 */
import type { Db } from './db';

type Row = Record<string, unknown>;
const iso = (d: Date): string => d.toISOString();

export interface SlackInstallationRow {
  installKey: string;
  enterpriseId: string | null;
  teamId: string | null;
  isEnterpriseInstall: boolean;
  botToken: string | null;
  botUserId: string | null;
  /** The whole installation as JSON. */
  installation: string;
  /** When a rotating bot token lapses (token rotation on); null when it does not expire. */
  botTokenExpiresAt: Date | null;
  installedAt: Date;
  updatedAt: Date;
}

export interface SaveInstallation {
  enterpriseId?: string | null;
  teamId?: string | null;
  isEnterpriseInstall: boolean;
  botToken?: string | null;
  botUserId?: string | null;
  installation: string;
  botTokenExpiresAt?: Date | null;
}

export type DeliveryStatus = 'started' | 'done' | 'failed';

export interface DeliveryClaim {
  /** True when this attempt should act; false for a duplicate of one that is done or still running. */
  act: boolean;
  /** The status found before this attempt (undefined for a first delivery). */
  previous?: DeliveryStatus;
  attempts: number;
}

/** A 'started' row older than this means the attempt that wrote it never finished. */
export const STALE_DELIVERY_MS = 60_000;

function toInstallation(r: Row): SlackInstallationRow {
  return {
    installKey: r.install_key as string,
    enterpriseId: (r.enterprise_id as string | null) ?? null,
    teamId: (r.team_id as string | null) ?? null,
    isEnterpriseInstall: r.is_enterprise_install === 1,
    botToken: (r.bot_token as string | null) ?? null,
    botUserId: (r.bot_user_id as string | null) ?? null,
    installation: r.installation as string,
    botTokenExpiresAt: r.bot_token_expires_at ? new Date(r.bot_token_expires_at as string) : null,
    installedAt: new Date(r.installed_at as string),
    updatedAt: new Date(r.updated_at as string),
  };
}

/** The key an installation is stored under: the org for an org-wide install, else the workspace. */
export function installKeyOf(i: { enterpriseId?: string | null; teamId?: string | null; isEnterpriseInstall: boolean }): string {
  const key = i.isEnterpriseInstall ? i.enterpriseId : (i.teamId ?? i.enterpriseId);
  if (!key) throw new Error('a Slack installation needs a team id or, for an org-wide install, an enterprise id');
  return key;
}

export class SlackStore {
  private claims = 0;

  constructor(private readonly db: Db) {}

  // ---- installations --------------------------------------------------------------------------

  saveInstallation(i: SaveInstallation, now: Date): SlackInstallationRow {
    const key = installKeyOf(i);
    this.db
      .prepare(
        `INSERT INTO slack_installations
                  (install_key, enterprise_id, team_id, is_enterprise_install, bot_token, bot_user_id, installation, bot_token_expires_at, installed_at, updated_at)
                VALUES (@key, @enterpriseId, @teamId, @isEnterprise, @botToken, @botUserId, @installation, @expiresAt, @now, @now)
                ON CONFLICT (install_key) DO UPDATE SET
                  enterprise_id = excluded.enterprise_id, team_id = excluded.team_id,
                  is_enterprise_install = excluded.is_enterprise_install, bot_token = excluded.bot_token,
                  bot_user_id = excluded.bot_user_id, installation = excluded.installation,
                  bot_token_expires_at = excluded.bot_token_expires_at, updated_at = excluded.updated_at`,
      )
      .run({
        key,
        enterpriseId: i.enterpriseId ?? null,
        teamId: i.teamId ?? null,
        isEnterprise: i.isEnterpriseInstall ? 1 : 0,
        botToken: i.botToken ?? null,
        botUserId: i.botUserId ?? null,
        installation: i.installation,
        expiresAt: i.botTokenExpiresAt ? iso(i.botTokenExpiresAt) : null,
        now: iso(now),
      });
    return this.installationByKey(key)!;
  }

  installationByKey(key: string): SlackInstallationRow | undefined {
    const r = this.db.prepare('SELECT * FROM slack_installations WHERE install_key = ?').get(key) as Row | undefined;
    return r && toInstallation(r);
  }

  /**
   * The installation that reaches a person. A Slack tenant is a workspace (team id) or, on
   * Enterprise Grid, the org (enterprise id) with one installation per workspace: the person's
   * own workspace (`teamId`, from `workspaceOf`) decides, then an org-wide install. Without a
   * known workspace only an unambiguous answer is given (the tenant's own row, or the org's only
   * workspace install) — a guess would send with another school's token.
   */
  installationFor(tenantExternalId: string, teamId?: string): SlackInstallationRow | undefined {
    if (teamId) {
      const own = this.installationByKey(teamId);
      if (own && (own.enterpriseId === tenantExternalId || own.teamId === tenantExternalId)) return own;
    }
    const tenantRow = this.installationByKey(tenantExternalId);
    if (tenantRow) return tenantRow;
    if (teamId) return undefined;
    const rows = this.db.prepare('SELECT * FROM slack_installations WHERE enterprise_id = ? LIMIT 2').all(tenantExternalId) as Row[];
    return rows.length === 1 ? toInstallation(rows[0]) : undefined;
  }

  /** The workspace installations inside an Enterprise Grid org (none for a plain workspace). */
  installationsInOrg(enterpriseId: string): SlackInstallationRow[] {
    return (this.db.prepare('SELECT * FROM slack_installations WHERE enterprise_id = ? ORDER BY install_key').all(enterpriseId) as Row[]).map(toInstallation);
  }

  deleteInstallation(key: string): boolean {
    return this.db.prepare('DELETE FROM slack_installations WHERE install_key = ?').run(key).changes === 1;
  }

  // ---- workspaces of people ------------------------------------------------------------------

  /**
   * Records the workspace a person acted from (or was listed in). `overwrite: false` keeps a
   * workspace already known (a member list read from another workspace of the org does not move
   * them). Does nothing for someone the bot does not know yet.
   */
  rememberWorkspace(tenantExternalId: string, slackUserId: string, teamId: string, now: Date, overwrite = true): void {
    this.db
      .prepare(
        `INSERT INTO slack_user_workspaces (user_id, team_id, updated_at)
                SELECT u.id, @teamId, @now FROM users u JOIN tenants t ON t.id = u.tenant_id
                 WHERE t.platform = 'slack' AND t.external_id = @tenant AND u.external_id = @user
                ON CONFLICT (user_id) DO ${overwrite ? 'UPDATE SET team_id = excluded.team_id, updated_at = excluded.updated_at WHERE team_id <> excluded.team_id' : 'NOTHING'}`,
      )
      .run({ teamId, now: iso(now), tenant: tenantExternalId, user: slackUserId });
  }

  /** The workspace (team id) a person was last seen in, by the bot's user id. */
  workspaceOf(userId: number): string | undefined {
    const r = this.db.prepare('SELECT team_id FROM slack_user_workspaces WHERE user_id = ?').get(userId) as Row | undefined;
    return r ? (r.team_id as string) : undefined;
  }

  // ---- deliveries -----------------------------------------------------------------------------

  /**
   * Claims a delivery key for this attempt, atomically (an IMMEDIATE transaction, so two processes
   * cannot both claim it). A first delivery acts; a repeat acts only when the earlier attempt
   * failed or went stale without finishing.
   */
  claimDelivery(key: string, now: Date, staleAfterMs: number = STALE_DELIVERY_MS): DeliveryClaim {
    if (++this.claims % 500 === 0) this.purgeDeliveries(new Date(now.getTime() - 24 * 60 * 60_000));
    return this.db
      .transaction((): DeliveryClaim => {
        const inserted = this.db
          .prepare(
            `INSERT INTO slack_deliveries (delivery_key, status, started_at) VALUES (?, 'started', ?)
                  ON CONFLICT (delivery_key) DO NOTHING`,
          )
          .run(key, iso(now));
        if (inserted.changes === 1) return { act: true, attempts: 1 };
        const row = this.db.prepare('SELECT status, started_at, attempts FROM slack_deliveries WHERE delivery_key = ?').get(key) as Row;
        const previous = row.status as DeliveryStatus;
        const stale = previous === 'started' && new Date(row.started_at as string).getTime() <= now.getTime() - staleAfterMs;
        if (previous === 'done' || (previous === 'started' && !stale)) return { act: false, previous, attempts: row.attempts as number };
        this.db
          .prepare(
            `UPDATE slack_deliveries SET status = 'started', started_at = ?, finished_at = NULL, attempts = attempts + 1
                  WHERE delivery_key = ?`,
          )
          .run(iso(now), key);
        return { act: true, previous, attempts: (row.attempts as number) + 1 };
      })
      .immediate();
  }

  finishDelivery(key: string, status: Exclude<DeliveryStatus, 'started'>, now: Date): void {
    this.db.prepare('UPDATE slack_deliveries SET status = ?, finished_at = ? WHERE delivery_key = ?').run(status, iso(now), key);
  }

  deliveryStatus(key: string): { status: DeliveryStatus; attempts: number; startedAt: Date } | undefined {
    const r = this.db.prepare('SELECT status, attempts, started_at FROM slack_deliveries WHERE delivery_key = ?').get(key) as Row | undefined;
    return r && { status: r.status as DeliveryStatus, attempts: r.attempts as number, startedAt: new Date(r.started_at as string) };
  }

  /** Forgets deliveries started before `before` (Slack retries within minutes, never a day later). */
  purgeDeliveries(before: Date): number {
    return this.db.prepare('DELETE FROM slack_deliveries WHERE started_at < ?').run(iso(before)).changes;
  }
}
