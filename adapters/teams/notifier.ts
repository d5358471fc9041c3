/**
 * The core's Notifier for Teams: direct messages through the stored conversation references
 * (the BotBuilder-Samples 16.proactive-messages pattern: persist the reference, then
 * `continueConversationAsync(appId, reference, …)`).
 *
 * The 1:1 chat is used when there is one. A user the bot has only met in a team channel gets a
 * 1:1 chat opened for them (`createConversationAsync`), never a DM posted into the channel.
 *
 * A message too large for one Teams message goes in parts; each part is recorded as Teams takes
 * it (outbox_parts), so a row retried after part k failed sends only the parts not yet delivered.
 */
import { TurnContext, type CloudAdapter, type ConversationParameters, type ConversationReference } from 'botbuilder';
import type { Clock, DeliveredPartsRepository, Delivery, Logger, Notifier, SendContext, UserRef } from '../../src/core/ports';
import type { Message } from '../../src/messages/model';
import type { TeamsConversation, TeamsConversationRepository } from '../../src/store/teams';
import { teamsParts, type FormMemory } from './cards';
import type { SentCards } from './sent-cards';
import type { TeamsSyntax } from './syntax';

export const NO_CONVERSATION = 'no Teams conversation with this user yet (they have not messaged or installed the app)';

export interface TeamsNotifierOptions {
  adapter: CloudAdapter;
  /** The bot's Microsoft app id; empty in local mode (the Emulator needs none). */
  appId: string;
  conversations: TeamsConversationRepository;
  clock: Clock;
  logger: Logger;
  forms?: FormMemory;
  /** Cards with buttons sent, so the bot can redraw one its button settled. */
  sent?: SentCards;
  /** Where the parts of an outbox row already delivered are recorded; without it a retry sends every part. */
  parts?: DeliveredPartsRepository;
  /** How commands read in Teams (command references in DMs are rewritten to it). */
  syntax?: TeamsSyntax;
  /** A DM not answered within this long is given up and retried later (default 15 s). */
  sendTimeoutMs?: number;
}

export const DEFAULT_SEND_TIMEOUT_MS = 15_000;

/**
 * Rejects when `work` has not settled within `ms`. The Bot Connector client has no request timeout
 * of its own, and a send that never returns would hold the dispatcher's batch (and the lease of
 * every row behind it). The abandoned send may still arrive; the outbox retries it, as it would
 * after any timeout.
 */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms / 1000} s`)), ms);
    timer.unref();
  });
  work.catch(() => undefined); // its failure after the timeout is of no interest
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The HTTP status of a Bot Connector failure, when it has one. */
function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterOf(err: unknown, now: Date): number | undefined {
  const headers = (err as { response?: { headers?: { get?: (name: string) => string | undefined | null } } } | null)?.response?.headers;
  const raw = headers?.get?.('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Runs a proactive turn and rethrows what failed inside it. The adapter hands errors thrown by
 * turn logic to its onTurnError handler instead of to the caller, and the outbox needs to know.
 */
type Logic = (context: TurnContext) => Promise<void>;

async function proactive(start: (logic: Logic) => Promise<void>, logic: Logic): Promise<void> {
  let failure: { error: unknown } | undefined;
  await start(async (context) => {
    try {
      await logic(context);
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
}

/**
 * The Bot Connector client retries throttled sends itself, sleeping through Retry-After. For a
 * DM the outbox owns retries (backoff that honours Retry-After, a lease, a 24-hour limit), so
 * the client's retry step is taken out of this turn's connector pipeline.
 */
function withoutSdkRetries(context: TurnContext): void {
  const connector = context.turnState.get<{ client?: { pipeline?: { removePolicy(options: { phase: 'Retry' }): unknown } } } | undefined>(
    context.adapter.ConnectorClientKey,
  );
  connector?.client?.pipeline?.removePolicy({ phase: 'Retry' });
}

/** One send: where it goes, the outbox row it delivers, and that row's parts already delivered. */
interface Job {
  target: TeamsConversation;
  outboxId?: number;
  delivered: Map<number, string | null>;
}

export class TeamsNotifier implements Notifier {
  readonly platform = 'teams' as const;

  constructor(private readonly options: TeamsNotifierOptions) {}

  /**
   * The message in a 1:1 chat, split into parts Teams takes, leaving out the parts an earlier
   * attempt delivered; each part recorded as delivered, and remembered as the bot would.
   */
  private async deliver(context: TurnContext, conversationId: string, message: Message, job: Job): Promise<void> {
    const { forms, sent, syntax } = this.options;
    for (const [index, { part, activity }] of teamsParts(message, { place: 'personal', syntax }).entries()) {
      if (job.delivered.has(index)) continue;
      forms?.rememberFrom(conversationId, part);
      const response = await context.sendActivity(activity);
      sent?.remember({ conversationId, activityId: response?.id, tenantId: job.target.tenantId, userId: job.target.userId, outboxId: job.outboxId }, part);
      this.recordPart(job, index, response?.id);
    }
  }

  /** Records a part Teams took. Failing to is logged, not fatal: the part did arrive. */
  private recordPart(job: Job, part: number, activityId: string | undefined): void {
    const { parts, clock, logger } = this.options;
    if (job.outboxId === undefined || !parts) return;
    try {
      parts.record(job.outboxId, part, activityId ?? null, clock.now());
    } catch (err) {
      logger.warn(
        { outboxId: job.outboxId, part, userId: job.target.userId, err: (err as Error)?.message ?? String(err) },
        'could not record a delivered part; a retry would send it again',
      );
    }
  }

  async send(recipient: UserRef, message: Message, sendContext?: SendContext): Promise<Delivery> {
    const { conversations, logger, parts } = this.options;
    const known = conversations.ofRecipient(recipient.tenantExternalId, recipient.userId);
    const target = known[0];
    if (!target) {
      logger.warn({ userId: recipient.userId, tenant: recipient.tenantExternalId }, `cannot DM on Teams: ${NO_CONVERSATION}`);
      return { status: 'unreachable', error: NO_CONVERSATION };
    }
    try {
      const outboxId = sendContext?.outboxId;
      const delivered = outboxId !== undefined && parts ? parts.ofRow(outboxId) : new Map<number, string | null>();
      const job: Job = { target, outboxId, delivered };
      const sending = target.scope === 'personal' ? this.continueIn(job, message) : this.openAndSend(job, message);
      await within(sending, this.options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS, 'the Teams DM');
      return { status: 'delivered' };
    } catch (err) {
      return this.failure(err, target, recipient);
    }
  }

  private async continueIn(job: Job, message: Message): Promise<void> {
    const { adapter, appId } = this.options;
    const target = job.target;
    const reference = target.reference as Partial<ConversationReference>;
    await proactive(
      (logic) => adapter.continueConversationAsync(appId, reference, logic),
      async (context) => {
        withoutSdkRetries(context);
        await this.deliver(context, target.conversationId, message, job);
      },
    );
  }

  /** Opens the 1:1 chat with a user known from a channel, stores it, and sends there. */
  private async openAndSend(job: Job, message: Message): Promise<void> {
    const { adapter, appId, conversations, clock } = this.options;
    const channel = job.target;
    const reference = channel.reference as Partial<ConversationReference>;
    const tenantId = reference.conversation?.tenantId;
    if (!reference.bot || !reference.user) throw new Error('stored Teams reference lacks the bot or the user');
    // The chat is opened with the row's own channel user, whoever the stored reference was taken from.
    const storedUser = reference.user;
    const member = storedUser.id === channel.channelUserId ? { ...storedUser, name: storedUser.name ?? '' } : { id: channel.channelUserId, name: '' };
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: reference.bot,
      members: [{ id: member.id, name: member.name }],
      tenantId,
      channelData: tenantId ? { tenant: { id: tenantId } } : {},
    };
    // No audience: the adapter uses its configured channel scope (public cloud or sovereign).
    const audience = undefined as unknown as string;
    const channelId = reference.channelId ?? 'msteams';
    // (The create call itself runs before this logic, with the client's own retry still in place.)
    await proactive(
      (logic) => adapter.createConversationAsync(appId, channelId, channel.serviceUrl, audience, parameters, logic),
      async (context) => {
        withoutSdkRetries(context);
        const created = TurnContext.getConversationReference(context.activity);
        created.user = member;
        if (created.conversation) created.conversation = { ...created.conversation, conversationType: 'personal', tenantId };
        if (created.conversation?.id) {
          conversations.save(
            {
              tenantId: channel.tenantId,
              userId: channel.userId,
              scope: 'personal',
              conversationId: created.conversation.id,
              channelUserId: channel.channelUserId,
              serviceUrl: channel.serviceUrl,
              reference: created,
            },
            clock.now(),
          );
        }
        await this.deliver(context, created.conversation?.id ?? '', message, job);
      },
    );
  }

  private failure(err: unknown, target: TeamsConversation, recipient: UserRef): Delivery {
    const { conversations, logger } = this.options;
    const status = statusOf(err);
    const reason = (err as Error)?.message ?? String(err);
    if (status === 403 || status === 404) {
      // The app was removed or the chat is gone: forget it, so the next try opens a fresh one or says why.
      conversations.remove(target.tenantId, target.userId, target.scope);
      logger.warn(
        { userId: recipient.userId, tenant: recipient.tenantExternalId, status, scope: target.scope },
        'Teams refused the DM; conversation forgotten',
      );
      return { status: 'unreachable', error: `Teams refused the message (${status}): the user may have removed the app` };
    }
    if (status === 413) {
      // The same payload would be refused again (messages are split to stay under the limit, so this is a bug to report).
      logger.error(
        { userId: recipient.userId, tenant: recipient.tenantExternalId, status },
        'Teams refused the DM as too large (413); not retried, since the same message cannot succeed',
      );
      return { status: 'rejected', error: `Teams refused the message as too large (413): ${reason}` };
    }
    if (status === 401)
      logger.error({ status }, 'Teams rejected the bot credentials; check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID');
    const afterSeconds = retryAfterOf(err, this.options.clock.now());
    const error = status ? `Teams answered ${status}: ${reason}` : `Teams send failed: ${reason}`;
    return afterSeconds === undefined ? { status: 'retry', error } : { status: 'retry', afterSeconds, error };
  }
}
