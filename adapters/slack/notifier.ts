/**
 * The Notifier for platform 'slack': opens the DM (conversations.open) and posts the rendered
 * message (chat.postMessage, text fallback + blocks; a message over Slack's block limit goes as
 * several messages), with the bot token of the recipient's own workspace (Enterprise Grid).
 *
 * A row retried after part k of a split message failed sends only the parts not yet delivered:
 * each part is recorded (outbox_parts, through the DeliveredPartsRepository port) as Slack takes
 * it, so parts 1..k-1 never arrive twice.
 *
 * The outbox owns retries, so the WebClient here never retries on its own (`retryConfig:
 * { retries: 0 }`) and never waits out a rate limit (`rejectRateLimitedCalls: true`): a 429 becomes
 * `{ status: 'retry', afterSeconds: Retry-After }` and the dispatcher schedules the next attempt.
 */
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Clock, DeliveredPartsRepository, Delivery, Logger, Notifier, SendContext, UserRef } from '../../src/core/ports';
import { silentLogger, systemClock } from '../../src/core/ports';
import type { Message } from '../../src/messages/model';
import { renderMessages } from './render-block-kit';

/** Errors that mean this user cannot be reached (the outbox keeps backing off, then gives up). */
const UNREACHABLE = new Set([
  'user_not_found',
  'users_not_found',
  'account_inactive',
  'user_disabled',
  'user_is_bot',
  'cannot_dm_bot',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'restricted_action',
  'team_access_not_granted',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'ekm_access_denied',
]);

export interface SlackNotifierOptions {
  /**
   * The bot token that reaches the recipient (single workspace: the configured token; OAuth: the
   * installation of their workspace, refreshed when it rotates). Undefined: none reaches them.
   */
  tokenFor(recipient: UserRef): string | undefined | Promise<string | undefined>;
  /** SLACK_API_URL: every Web API call goes here instead of https://slack.com/api/. */
  apiUrl?: string;
  logger?: Logger;
  /** Where the parts of an outbox row already delivered are recorded; without it a retry sends every part. */
  parts?: DeliveredPartsRepository;
  clock?: Clock;
  /** Extra WebClient options (tests pass nothing; kept for a custom agent or timeout). */
  clientOptions?: WebClientOptions;
}

interface SlackErrorLike {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  message?: string;
}

/** Maps a WebClient error to a Delivery the outbox understands. */
export function deliveryForError(err: unknown): Exclude<Delivery, { status: 'delivered' }> {
  const e = (err ?? {}) as SlackErrorLike;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { status: 'retry', afterSeconds: e.retryAfter, error: `rate limited by Slack (retry after ${e.retryAfter ?? '?'}s)` };
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'ratelimited') return { status: 'retry', error: code };
      return UNREACHABLE.has(code) ? { status: 'unreachable', error: code } : { status: 'retry', error: code };
    }
    case 'slack_webapi_http_error':
      return { status: 'retry', error: `Slack answered HTTP ${e.statusCode ?? '?'}` };
    case 'slack_webapi_request_error':
      return { status: 'retry', error: `could not reach Slack: ${e.message ?? 'request failed'}` };
    case undefined: // not a WebClient error
    default:
      return { status: 'retry', error: e.message ?? String(err) };
  }
}

export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;
  private readonly clients = new Map<string, WebClient>();
  /** DM channel per tenant/user: conversations.open is idempotent, but one call per DM is enough. */
  private readonly dmChannels = new Map<string, string>();
  private readonly logger: Logger;

  constructor(private readonly options: SlackNotifierOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The WebClient for a token, configured so that only the outbox retries. */
  clientFor(token: string): WebClient {
    let client = this.clients.get(token);
    if (!client) {
      client = new WebClient(token, {
        // A request Slack never answers must fail (and be retried by the outbox), not hang a send slot.
        timeout: 10_000,
        ...this.options.clientOptions,
        ...(this.options.apiUrl ? { slackApiUrl: this.options.apiUrl } : {}),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
      });
      this.clients.set(token, client);
    }
    return client;
  }

  /** The parts of the row delivered by earlier attempts (none without a row or a store). */
  private deliveredParts(context: SendContext | undefined): Map<number, string | null> {
    return context && this.options.parts ? this.options.parts.ofRow(context.outboxId) : new Map<number, string | null>();
  }

  /** Records a part Slack took. Failing to is logged, not fatal: the part did arrive. */
  private recordPart(context: SendContext | undefined, part: number, ts: string | undefined, recipient: UserRef): void {
    if (!context || !this.options.parts) return;
    try {
      this.options.parts.record(context.outboxId, part, ts ?? null, (this.options.clock ?? systemClock).now());
    } catch (err) {
      this.logger.warn(
        { outboxId: context.outboxId, part, userId: recipient.userId, err: (err as Error)?.message ?? String(err) },
        'could not record a delivered part; a retry would send it again',
      );
    }
  }

  async send(recipient: UserRef, message: Message, context?: SendContext): Promise<Delivery> {
    let token: string | undefined;
    try {
      token = await this.options.tokenFor(recipient);
    } catch (err) {
      // A token refresh that failed (Slack down, or the refresh token revoked): try again later.
      return { status: 'retry', error: `could not get a Slack token: ${(err as Error).message}` };
    }
    if (!token) return { status: 'unreachable', error: `Touchpoint is not installed in the Slack workspace of this person (${recipient.tenantExternalId})` };
    const client = this.clientFor(token);
    // Per token: on Grid a person's DM channel belongs to their workspace's installation.
    const dmKey = `${token}:${recipient.externalId}`;
    try {
      let channel = this.dmChannels.get(dmKey);
      if (!channel) {
        const opened = await client.conversations.open({ users: recipient.externalId });
        channel = opened.channel?.id;
        if (!channel) return { status: 'retry', error: 'conversations.open returned no channel' };
        this.dmChannels.set(dmKey, channel);
      }
      const delivered = this.deliveredParts(context);
      for (const [index, part] of renderMessages(message).entries()) {
        // Delivered by an attempt that failed on a later part: the recipient has it already.
        if (delivered.has(index)) continue;
        let ts: string | undefined;
        try {
          ts = (await client.chat.postMessage({ channel, text: part.text, blocks: part.blocks })).ts;
        } catch (err) {
          const code = (err as SlackErrorLike).data?.error;
          if (code === 'channel_not_found' || code === 'is_archived') this.dmChannels.delete(dmKey);
          // Blocks Slack refuses would be refused on every retry: send the text alone instead.
          if (code !== 'invalid_blocks' && code !== 'msg_blocks_too_long') throw err;
          this.logger.warn({ error: code, userId: recipient.userId }, 'slack refused the blocks; sent the text only');
          ts = (await client.chat.postMessage({ channel, text: part.text })).ts;
        }
        this.recordPart(context, index, ts, recipient);
      }
      return { status: 'delivered' };
    } catch (err) {
      const delivery = deliveryForError(err);
      this.logger.debug({ userId: recipient.userId, status: delivery.status, error: delivery.error }, 'slack send failed');
      return delivery;
    }
  }
}
