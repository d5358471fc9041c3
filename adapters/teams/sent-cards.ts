/**
 * The cards with buttons the bot sent, as sent (in Teams' words), by conversation and activity id.
 * When a press settles its card, the card is redrawn from here with the outcome in place of its
 * buttons. The latest are kept in memory; with a store they are kept in SQLite too (teams_cards,
 * a month), so a card sent before a restart is redrawn whole as well.
 */
import type { Clock, Logger } from '../../src/core/ports';
import { silentLogger, systemClock } from '../../src/core/ports';
import { buttonsOf, type Message } from '../../src/messages/model';
import type { TeamsCardStore } from '../../src/store/teams-cards';

export interface SentCardsOptions {
  store?: TeamsCardStore;
  clock?: Clock;
  logger?: Logger;
  /** How many are kept in memory (default 2000). */
  capacity?: number;
}

/** Where a card went and for whom: what the store keeps it under. */
export interface SentCard {
  conversationId: string;
  /** The id Teams gave the activity; none, nothing to remember it by. */
  activityId: string | undefined;
  tenantId?: number;
  /** Whom it was sent to (a DM), or who asked for it (a reply). Without it the card is kept in memory only. */
  userId?: number;
  /** The outbox row it was a part of (a DM). */
  outboxId?: number;
}

export class SentCards {
  private readonly cards = new Map<string, Message>();
  private readonly capacity: number;

  constructor(private readonly options: SentCardsOptions = {}) {
    this.capacity = options.capacity ?? 2000;
  }

  private static key(conversationId: string, activityId: string): string {
    return `${conversationId}\u0000${activityId}`;
  }

  /** Remembers a part just sent, if it has buttons (only a button settles a card). */
  remember(card: SentCard, part: Message): void {
    const { conversationId, activityId } = card;
    if (!activityId || buttonsOf(part).length === 0) return;
    const key = SentCards.key(conversationId, activityId);
    this.cards.delete(key);
    this.cards.set(key, part);
    while (this.cards.size > this.capacity) {
      const oldest = this.cards.keys().next().value as string;
      this.cards.delete(oldest);
    }
    const { store, clock, logger } = this.options;
    if (!store || card.tenantId === undefined || card.userId === undefined) return;
    try {
      store.save(
        { conversationId, activityId, tenantId: card.tenantId, userId: card.userId, outboxId: card.outboxId, message: part },
        (clock ?? systemClock).now(),
      );
    } catch (err) {
      // The card went out; after a restart a press on it shows the outcome alone.
      (logger ?? silentLogger).warn({ err: (err as Error)?.message ?? String(err) }, 'could not keep a Teams card for redrawing it when settled');
    }
  }

  find(conversationId: string, activityId: string): Message | undefined {
    return this.cards.get(SentCards.key(conversationId, activityId)) ?? this.options.store?.find(conversationId, activityId);
  }
}
