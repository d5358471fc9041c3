/**
 * Teams cards with buttons as they were sent (migrations/0028_teams_cards.sql), so that a card a
 * press settled is redrawn whole — its content, and the outcome where its buttons were — even
 * after a restart. The card is the neutral message as JSON; nothing here knows botbuilder.
 */
import type { Message } from '../messages/model';
import type { Db } from './db';

type Row = Record<string, unknown>;

/** How long a card is kept: a button left unpressed for a month is answered by typing again. */
export const TEAMS_CARD_DAYS = 30;

export interface SentTeamsCard {
  conversationId: string;
  activityId: string;
  tenantId: number;
  /** Whom it was sent to (a DM), or who asked for it (a reply). */
  userId: number;
  /** The outbox row it was a part of; absent for a reply. */
  outboxId?: number;
  message: Message;
}

export class TeamsCardStore {
  constructor(private readonly db: Db) {}

  save(card: SentTeamsCard, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO teams_cards (conversation_id, activity_id, tenant_id, user_id, outbox_id, message, sent_at)
                VALUES (@conversationId, @activityId, @tenantId, @userId, @outboxId, @message, @now)
                ON CONFLICT (conversation_id, activity_id) DO UPDATE SET
                  tenant_id = excluded.tenant_id, user_id = excluded.user_id, outbox_id = excluded.outbox_id,
                  message = excluded.message, sent_at = excluded.sent_at`,
      )
      .run({ ...card, outboxId: card.outboxId ?? null, message: JSON.stringify(card.message), now: now.toISOString() });
  }

  find(conversationId: string, activityId: string): Message | undefined {
    const r = this.db.prepare('SELECT message FROM teams_cards WHERE conversation_id = ? AND activity_id = ?').get(conversationId, activityId) as
      Row | undefined;
    return r && (JSON.parse(r.message as string) as Message);
  }

  /** Retention: cards sent before `before` go; returns how many. */
  deleteSentBefore(before: Date): number {
    return this.db.prepare('DELETE FROM teams_cards WHERE sent_at < ?').run(before.toISOString()).changes;
  }
}
