/**
 * Microsoft Teams conversation references (migration 0005): where the bot can reach each user.
 * The reference is kept whole, as JSON, because a proactive message needs all of it (service URL,
 * conversation, bot, user). This file knows nothing of botbuilder: a reference is plain JSON here,
 * and only the Teams adapter gives it a type. Every query is scoped by tenant.
 */
import type { Db } from './db';

/** `personal`: the 1:1 chat with the bot. `channel`: a team channel, only used to open a 1:1 chat. */
export type TeamsScope = 'personal' | 'channel';

export interface TeamsConversation {
  tenantId: number;
  userId: number;
  scope: TeamsScope;
  conversationId: string;
  /** The user's Bot Framework id in Teams (`29:…`), the id mention entities carry. */
  channelUserId: string;
  serviceUrl: string;
  reference: Record<string, unknown>;
  updatedAt: Date;
}

export type NewTeamsConversation = Omit<TeamsConversation, 'updatedAt'>;

type Row = Record<string, unknown>;

function toConversation(r: Row): TeamsConversation {
  return {
    tenantId: r.tenant_id as number,
    userId: r.user_id as number,
    scope: r.scope as TeamsScope,
    conversationId: r.conversation_id as string,
    channelUserId: r.channel_user_id as string,
    serviceUrl: r.service_url as string,
    reference: JSON.parse(r.reference as string) as Record<string, unknown>,
    updatedAt: new Date(r.updated_at as string),
  };
}

// Personal first: a direct message goes to the 1:1 chat whenever there is one.
const ORDER = `ORDER BY CASE c.scope WHEN 'personal' THEN 0 ELSE 1 END`;

export class TeamsConversationRepository {
  constructor(private readonly db: Db) {}

  /** Stores (or replaces) the user's reference for that scope. */
  save(c: NewTeamsConversation, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO teams_conversations (tenant_id, user_id, scope, conversation_id, channel_user_id, service_url, reference, updated_at)
                VALUES (@tenantId, @userId, @scope, @conversationId, @channelUserId, @serviceUrl, @reference, @now)
                ON CONFLICT (tenant_id, user_id, scope) DO UPDATE SET
                  conversation_id = excluded.conversation_id, channel_user_id = excluded.channel_user_id,
                  service_url = excluded.service_url, reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run({ ...c, reference: JSON.stringify(c.reference), now: now.toISOString() });
  }

  /** The user's references, the personal one first. */
  ofUser(tenantId: number, userId: number): TeamsConversation[] {
    return (this.db.prepare(`SELECT c.* FROM teams_conversations c WHERE c.tenant_id = ? AND c.user_id = ? ${ORDER}`).all(tenantId, userId) as Row[]).map(
      toConversation,
    );
  }

  /** The same, found by the Teams tenant id (what a Notifier's recipient carries). */
  ofRecipient(tenantExternalId: string, userId: number): TeamsConversation[] {
    return (
      this.db
        .prepare(
          `SELECT c.* FROM teams_conversations c JOIN tenants t ON t.id = c.tenant_id
                WHERE t.platform = 'teams' AND t.external_id = ? AND c.user_id = ? ${ORDER}`,
        )
        .all(tenantExternalId, userId) as Row[]
    ).map(toConversation);
  }

  /** Forgets one reference (the user removed the app, or the conversation is gone). */
  remove(tenantId: number, userId: number, scope: TeamsScope): boolean {
    return this.db.prepare('DELETE FROM teams_conversations WHERE tenant_id = ? AND user_id = ? AND scope = ?').run(tenantId, userId, scope).changes > 0;
  }

  /** The external id (AAD object id) of the user the bot knows by this Teams id, if it has seen them. */
  externalIdOfChannelUser(tenantExternalId: string, channelUserId: string): string | undefined {
    const r = this.db
      .prepare(
        `SELECT u.external_id FROM teams_conversations c
                JOIN tenants t ON t.id = c.tenant_id JOIN users u ON u.id = c.user_id AND u.tenant_id = c.tenant_id
                WHERE t.platform = 'teams' AND t.external_id = ? AND c.channel_user_id = ?
                ORDER BY c.updated_at DESC LIMIT 1`,
      )
      .get(tenantExternalId, channelUserId) as Row | undefined;
    return r?.external_id as string | undefined;
  }

  /**
   * A person first named by a mention that carried only their Teams id (`29:…`) was stored under
   * that id; when they first talk to the bot, their AAD object id becomes their key, so the
   * touch-points booked with them stay theirs. Does nothing if the AAD id is already in use.
   */
  adoptAadObjectId(tenantId: number, channelUserId: string, aadObjectId: string): boolean {
    if (channelUserId === aadObjectId) return false;
    return (
      this.db
        .prepare(
          `UPDATE users SET external_id = @aad WHERE tenant_id = @tenantId AND external_id = @channelUserId
                  AND NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = @tenantId AND external_id = @aad)`,
        )
        .run({ tenantId, channelUserId, aad: aadObjectId }).changes > 0
    );
  }
}
