/**
 * Bolt listeners → the core. Slash commands, buttons (block_actions), form submissions
 * (view_submission) and the App Home (app_home_opened) each become one call into `Touchpoint`,
 * and the reply goes back the way Slack allows: an ephemeral reply through response_url, a modal
 * for a form (views.open with the trigger_id), or a DM.
 *
 * Every handled request first claims a key in the delivery log (SlackStore.claimDelivery), so a
 * retried delivery (X-Slack-Retry-Num; Bolt's `context.retryNum`) never acts twice, while a retry
 * of an attempt that failed or died does act.
 */
import type { App, Context } from '@slack/bolt';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Core } from '../../src/compose';
import type { Inbound } from '../../src/core/app';
import { splitRoot } from '../../src/core/registry';
import type { Logger } from '../../src/core/ports';
import { formOf } from '../../src/messages/model';
import type { SlackStore } from '../../src/store/slack';
import { decodeCommandText, mentionedUserIds, slackMentions } from './mentions';
import type { SlackDirectory, SlackPerson } from './directory';
import { TurnQueue } from './turns';
import { renderHome } from './render-block-kit';
import { renderModal } from './render-modals';
import { modelActionId, readFormValues, readModalMeta } from './read-submissions';
import { SlackReplies, type ReplyTarget } from './replies';

export interface ListenerDeps {
  /** Reads a workspace's member list once (names known before people speak); a no-op after the first call. */
  seedDirectory?: (client: WebClient, tenantExternalId: string, teamId?: string) => void;
  core: Core;
  store: SlackStore;
  directory: SlackDirectory;
  logger: Logger;
  /** fetch for response_url posts that Bolt's `respond` cannot make (after a modal). */
  fetch?: typeof globalThis.fetch;
}

/** The tenant of a request: the Enterprise Grid org when there is one, else the workspace. */
export function tenantOf(
  context: Context,
  body: {
    team_id?: string;
    enterprise_id?: string;
    team?: { id?: string; enterprise_id?: string } | null;
    enterprise?: { id?: string } | null;
    user?: { team_id?: string };
  },
): string {
  const tenant =
    context.enterpriseId ??
    body.enterprise?.id ??
    body.enterprise_id ??
    body.team?.enterprise_id ??
    context.teamId ??
    body.team?.id ??
    body.team_id ??
    body.user?.team_id;
  if (!tenant) throw new Error('a Slack request without a team or enterprise id');
  return tenant;
}

/**
 * The workspace a request came from (the installation that received it): on Enterprise Grid the
 * tenant is the org, and this decides which workspace's bot token reaches the person later.
 */
export function workspaceOf(
  context: Context,
  body: { team_id?: string; team?: { id?: string } | null; user?: { team_id?: string }; authorizations?: { team_id?: string | null }[] },
): string | undefined {
  return context.teamId ?? body.team?.id ?? body.team_id ?? body.authorizations?.[0]?.team_id ?? body.user?.team_id ?? undefined;
}

function inboundFor(tenant: string, userId: string, people: Map<string, SlackPerson>): Inbound {
  const me = people.get(userId);
  const names = new Map([...people].flatMap(([id, p]) => (p.displayName ? [[id, p.displayName] as const] : [])));
  return {
    identity: {
      platform: 'slack',
      tenantExternalId: tenant,
      userExternalId: userId,
      ...(me?.displayName ? { displayName: me.displayName } : {}),
      ...(me?.handle ? { handle: me.handle } : {}),
    },
    mentions: slackMentions(names),
  };
}

export class SlackListeners {
  /** The work after an ack waits here for a turn of its own (see turns.ts). */
  private readonly turns = new TurnQueue();
  private readonly replies: SlackReplies;

  constructor(private readonly deps: ListenerDeps) {
    this.replies = new SlackReplies({ clock: deps.core.clock, logger: deps.logger, fetch: deps.fetch });
  }

  /** Records where a person acted from, once the core knows them (Enterprise Grid: their workspace's token reaches them). */
  private seen(tenant: string, userId: string, teamId: string | undefined): void {
    if (teamId) this.deps.store.rememberWorkspace(tenant, userId, teamId, this.deps.core.clock.now());
  }

  register(app: App): void {
    for (const root of ['touchpoint', 'coaching'] as const) {
      app.command(`/${root}`, async ({ command, ack, respond, client, context }) => {
        // Acked within 3 s, before any work; the reply follows through response_url once this
        // request's turn comes (requests arriving meanwhile are acked first).
        await this.turns.ackThenTurn(ack);
        const tenant = tenantOf(context, command);
        const team = workspaceOf(context, command);
        this.deps.seedDirectory?.(client, tenant, team);
        const issuedAt = this.deps.core.clock.now().getTime();
        const text = decodeCommandText(command.text ?? '');
        const done = await this.once(`command:${command.trigger_id}`, context, async () => {
          const people = await this.deps.directory.people(client, tenant, [command.user_id, ...mentionedUserIds(text)], true, team);
          const reply = this.deps.core.app.command(inboundFor(tenant, command.user_id, people), root, text);
          this.seen(tenant, command.user_id, team);
          return reply;
        });
        if (!done.acted) return;
        await this.replies.deliver(done.value, {
          client,
          userId: command.user_id,
          triggerId: command.trigger_id,
          responseUrl: command.response_url,
          responseUrlIssuedAt: issuedAt,
          respond: (p) => respond({ ...p, response_type: 'ephemeral' }),
        });
      });
    }

    app.action({ type: 'block_actions' }, async ({ ack, body, action, client, context, respond }) => {
      await this.turns.ackThenTurn(ack);
      if (body.type !== 'block_actions' || action.type !== 'button') return;
      const tenant = tenantOf(context, body);
      const team = workspaceOf(context, body);
      const userId = body.user.id;
      const issuedAt = this.deps.core.clock.now().getTime();
      const done = await this.once(`action:${action.action_ts}:${userId}:${action.action_id}`, context, async () => {
        const people = await this.deps.directory.people(client, tenant, [userId], true, team);
        const reply = this.deps.core.app.action(inboundFor(tenant, userId, people), modelActionId(action.action_id), action.value ?? '');
        this.seen(tenant, userId, team);
        return reply;
      });
      if (!done.acted) return;
      // A button in a message has a response_url; one in the Home tab or a modal does not.
      const responseUrl = body.response_url as string | undefined;
      const target: ReplyTarget = {
        client,
        userId,
        triggerId: body.trigger_id,
        responseUrl,
        responseUrlIssuedAt: issuedAt,
        respond: responseUrl ? (p) => respond({ response_type: 'ephemeral', replace_original: false, ...p }) : undefined,
      };
      const { outcome } = done.value;
      if (outcome) {
        const container = (body as { container?: { type?: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean } }).container;
        const message = (body as { message?: { text?: string; blocks?: KnownBlock[] } }).message;
        if (container?.type === 'message') {
          await this.replies.settle(
            outcome,
            {
              channelId: container.channel_id,
              ts: container.message_ts,
              ephemeral: container.is_ephemeral === true,
              text: message?.text,
              blocks: message?.blocks,
              button: { actionId: action.action_id, value: action.value ?? '' },
            },
            target,
          );
        }
      }
      await this.replies.deliver(done.value, target);
    });

    app.view({ type: 'view_submission', callback_id: /.*/ }, async ({ ack, body, view, client, context }) => {
      if (body.type !== 'view_submission') return;
      const tenant = tenantOf(context, body);
      const team = workspaceOf(context, body);
      const userId = body.user.id;
      const values = readFormValues(view.state.values);
      const done = await this.once(
        `view:${view.id}:${view.hash}`,
        context,
        async () => {
          // The answer must reach Slack within 3 s: names come from the cache only.
          const picked = Object.values(values).flatMap((v) => (v ? mentionedUserIds(v) : []));
          const people = await this.deps.directory.people(client, tenant, [userId, ...picked], false);
          const outcome = this.deps.core.app.submitForm(inboundFor(tenant, userId, people), view.callback_id, values);
          this.seen(tenant, userId, team);
          return outcome;
          // A submission refused for its input did not complete: the corrected one must act.
        },
        (outcome) => !outcome.fieldErrors,
      );
      if (!done.acted) {
        await ack();
        return;
      }
      const { reply, fieldErrors } = done.value;
      if (fieldErrors) {
        const blockIds = new Set([...Object.keys(view.state.values), ...view.blocks.flatMap((b) => (b.block_id ? [b.block_id] : []))]);
        const errors = Object.fromEntries(Object.entries(fieldErrors).filter(([id]) => blockIds.has(id)));
        if (Object.keys(errors).length > 0) {
          await ack({ response_action: 'errors', errors });
          return;
        }
      }
      // The submission is stored (above) before anything is answered; the answer goes back by the
      // opening command's response_url while it is fresh, else by DM (replies.ts).
      const meta = readModalMeta(view.private_metadata);
      const target: ReplyTarget = {
        client,
        userId,
        responseUrl: meta.responseUrl,
        responseUrlIssuedAt: meta.responseUrlIssuedAt,
        respond: meta.responseUrl ? this.replies.responder(meta.responseUrl) : undefined,
      };
      const next = reply.messages.find((m) => formOf(m));
      if (next) await ack({ response_action: 'update', view: renderModal(next, this.replies.modalMeta(target)) });
      else await ack();
      await this.replies.deliver({ messages: reply.messages.filter((m) => m !== next) }, target);
    });

    app.event('app_home_opened', async ({ event, body, client, context }) => {
      if (event.tab && event.tab !== 'home') return;
      await this.turns.ackThenTurn(() => Promise.resolve()); // Bolt acked the event before calling this listener
      const tenant = tenantOf(context, body);
      const team = workspaceOf(context, body);
      const eventId = (body as { event_id?: string }).event_id ?? `${event.user}:${event.event_ts}`;
      await this.once(`event:${eventId}`, context, async () => {
        const people = await this.deps.directory.people(client, tenant, [event.user], true, team);
        const home = this.deps.core.app.home(inboundFor(tenant, event.user, people));
        this.seen(tenant, event.user, team);
        await client.views.publish({ user_id: event.user, view: renderHome(home) });
      });
    });

    // A command typed in the bot's DM (the Messages tab), where its prompts arrive: the same words
    // as the slash commands, with or without a leading `touchpoint` or `coaching`.
    app.event('message', async ({ event, body, client, context }) => {
      await this.turns.ackThenTurn(() => Promise.resolve()); // Bolt acked the event before calling this listener
      const m = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; ts: string };
      // Only what a person typed in a DM with the bot: not edits, joins, files or any bot's messages.
      if (m.channel_type !== 'im' || m.subtype !== undefined || m.bot_id !== undefined || !m.user || !m.text?.trim()) return;
      const user = m.user;
      const tenant = tenantOf(context, body);
      const team = workspaceOf(context, body);
      const { root, text } = splitRoot(decodeCommandText(m.text));
      const eventId = (body as { event_id?: string }).event_id ?? `${user}:${m.ts}`;
      const done = await this.once(`event:${eventId}`, context, async () => {
        const people = await this.deps.directory.people(client, tenant, [user, ...mentionedUserIds(text)], true, team);
        const reply = this.deps.core.app.command(inboundFor(tenant, user, people), root, text);
        this.seen(tenant, user, team);
        return reply;
      });
      if (!done.acted) return;
      // No trigger_id comes with a message: a form arrives as a message with its "Open form" button.
      await this.replies.deliver(done.value, { client, userId: user });
    });

    app.error((error) => {
      this.deps.logger.error({ err: error.message, code: (error as { code?: string }).code }, 'slack listener failed');
      return Promise.resolve();
    });
  }

  /**
   * Runs `work` unless this delivery already completed (or is being handled right now). The key
   * is recorded as 'started' first, then 'done' once the core has handled it, or 'failed' when
   * `work` threw or `succeeded` says it did not complete — and then a retry acts again.
   */
  private async once<T>(
    key: string,
    context: Context,
    work: () => Promise<T>,
    succeeded: (value: T) => boolean = () => true,
  ): Promise<{ acted: true; value: T } | { acted: false }> {
    const { store, core, logger } = this.deps;
    const claim = store.claimDelivery(key, core.clock.now());
    if (!claim.act) {
      logger.info({ key, retryNum: context.retryNum, previous: claim.previous }, 'slack delivery already handled; not acting again');
      return { acted: false };
    }
    if (claim.previous) logger.info({ key, retryNum: context.retryNum, previous: claim.previous }, 'slack delivery retried after an unfinished attempt');
    let value: T;
    try {
      value = await work();
    } catch (err) {
      store.finishDelivery(key, 'failed', core.clock.now());
      throw err;
    }
    store.finishDelivery(key, succeeded(value) ? 'done' : 'failed', core.clock.now());
    return { acted: true, value };
  }
}
