/**
 * How a reply reaches the person who acted, the way Slack allows, with nothing lost on the way:
 * a form opens as a modal when a trigger_id is at hand; other messages go through the request's
 * response_url while it is fresh (Slack honours one for 30 minutes) and by DM otherwise — also
 * when the response_url post fails (4xx, 5xx, network). A button press that settled its message
 * replaces the message's buttons with its outcome ("✓ Accepted by Casey Lee, Mon 23 Nov").
 */
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Reply } from '../../src/core/context';
import type { Clock, Logger } from '../../src/core/ports';
import { formOf, type Message } from '../../src/messages/model';
import { subjectOf } from '../../src/messages/reply';
import { escapeEntities, escapeMrkdwn } from './mrkdwn';
import { renderMessages, type SlackMessage } from './render-block-kit';
import { renderModal, type ModalMeta } from './render-modals';

/** Slack honours a response_url for 30 minutes; past this age a reply goes by DM instead. */
export const RESPONSE_URL_FRESH_MS = 29 * 60_000;

export type Responder = (payload: SlackMessage & { response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean }) => Promise<unknown>;

export interface ReplyTarget {
  client: WebClient;
  userId: string;
  triggerId?: string;
  /** Where the reply goes back to, and when Slack issued it (ms since the epoch; undefined: unknown, tried anyway). */
  responseUrl?: string;
  responseUrlIssuedAt?: number;
  respond?: Responder;
}

/** What a button press came from: the message whose buttons an outcome replaces. */
export interface PressedMessage {
  channelId?: string;
  ts?: string;
  ephemeral: boolean;
  text?: string;
  blocks?: KnownBlock[];
  /** The button pressed (Slack's own action id and its value): only its subject's buttons go. */
  button?: { actionId: string; value: string };
}

/**
 * The pressed message's blocks with the pressed subject's buttons replaced by the outcome line, as
 * settledMessage in src/messages/reply.ts does: in a list the other items keep their buttons.
 */
export function settledBlocks(blocks: KnownBlock[], outcome: string, pressed?: { actionId: string; value: string }): KnownBlock[] {
  const line: KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(outcome) }] };
  const buttonsOf = (b: KnownBlock): { action_id?: string; value?: string }[] => (b.type === 'actions' ? b.elements : []);
  const at = pressed ? blocks.findIndex((b) => buttonsOf(b).some((e) => e.action_id === pressed.actionId && e.value === pressed.value)) : -1;
  if (!pressed || at < 0) return [...blocks.filter((b) => b.type !== 'actions'), line];
  const block = blocks[at] as Extract<KnownBlock, { type: 'actions' }>;
  const kept = block.elements.filter((e) => subjectOf((e as { value?: string }).value ?? '') !== subjectOf(pressed.value));
  return [...blocks.slice(0, at), line, ...(kept.length ? [{ ...block, elements: kept }] : []), ...blocks.slice(at + 1)];
}

export class SlackReplies {
  private readonly fetchFn: typeof globalThis.fetch;

  constructor(private readonly deps: { clock: Clock; logger: Logger; fetch?: typeof globalThis.fetch }) {
    this.fetchFn = deps.fetch ?? globalThis.fetch;
  }

  /** A responder posting to a response_url the listener has no `respond` for (after a modal). */
  responder(url: string): Responder | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return async (payload) => {
      const res = await this.fetchFn(parsed, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...payload }),
      });
      if (!res.ok) throw new Error(`response_url answered ${res.status}`);
    };
  }

  /** Whether the target's response_url can still be used (Slack honours one for 30 minutes). */
  fresh(target: Pick<ReplyTarget, 'responseUrlIssuedAt'>): boolean {
    return target.responseUrlIssuedAt === undefined || this.deps.clock.now().getTime() - target.responseUrlIssuedAt < RESPONSE_URL_FRESH_MS;
  }

  /** Modal metadata for a form opened now: the response_url and when it was issued. */
  modalMeta(target: Pick<ReplyTarget, 'responseUrl' | 'responseUrlIssuedAt'>): Omit<ModalMeta, 'state'> {
    if (!target.responseUrl || !this.fresh(target)) return {};
    return { responseUrl: target.responseUrl, responseUrlIssuedAt: target.responseUrlIssuedAt ?? this.deps.clock.now().getTime() };
  }

  /**
   * Sends a reply: the first message carrying a form opens as a modal when a trigger_id is at
   * hand; everything else goes through the response_url when it is fresh, else (or when that
   * fails) as a DM. A message that cannot be sent at all is logged, never thrown.
   */
  async deliver(reply: Reply, target: ReplyTarget): Promise<void> {
    let triggerUsed = false;
    for (const msg of reply.messages) {
      try {
        if (target.triggerId && !triggerUsed && formOf(msg)) {
          triggerUsed = true;
          try {
            await target.client.views.open({ trigger_id: target.triggerId, view: renderModal(msg, this.modalMeta(target)) });
            continue;
          } catch (err) {
            // An expired trigger_id (3 s) or a refused view: show the message with its "Open form" button instead.
            this.deps.logger.warn({ err: (err as Error).message }, 'views.open failed; replying with a message');
          }
        }
        await this.post(msg, target);
      } catch (err) {
        this.deps.logger.error({ err: (err as Error).message, userId: target.userId }, 'slack reply could not be sent');
      }
    }
  }

  /**
   * Replaces the pressed message's buttons with the outcome: chat.update for a message the bot
   * posted, the response_url (`replace_original`) for an ephemeral one. A failure is logged: the
   * press itself has been handled, and its reply still goes out.
   */
  async settle(outcome: string, pressed: PressedMessage, target: ReplyTarget): Promise<void> {
    const blocks = settledBlocks(pressed.blocks ?? [], outcome, pressed.button);
    // Slack's copy of the message text is already escaped; only the outcome line is new text.
    const text = pressed.text ? `${pressed.text}\n${escapeEntities(outcome)}` : escapeEntities(outcome);
    try {
      if (!pressed.ephemeral && pressed.channelId && pressed.ts) {
        await target.client.chat.update({ channel: pressed.channelId, ts: pressed.ts, text, blocks });
      } else if (target.respond && this.fresh(target)) {
        await target.respond({ text, blocks, replace_original: true });
      }
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message, userId: target.userId }, 'the pressed message could not be updated');
    }
  }

  private async post(msg: Message, target: ReplyTarget): Promise<void> {
    const parts = renderMessages(msg);
    if (target.respond && this.fresh(target)) {
      try {
        for (const part of parts) await target.respond(part);
        return;
      } catch (err) {
        // An expired or refused response_url: the reply still reaches them, by DM.
        this.deps.logger.warn({ err: (err as Error).message, userId: target.userId }, 'response_url failed; replying by DM');
      }
    }
    const opened = await target.client.conversations.open({ users: target.userId });
    if (!opened.channel?.id) throw new Error('conversations.open returned no channel');
    for (const part of parts) await target.client.chat.postMessage({ channel: opened.channel.id, text: part.text, blocks: part.blocks });
  }
}
