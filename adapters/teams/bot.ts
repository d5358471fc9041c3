/**
 * The Teams turn logic: activities in, core calls, Adaptive Cards out.
 *
 * - A message (personal chat, or `@Touchpoint …` in a channel) is a command in the shared
 *   language, with an optional leading `touchpoint` or `coaching`.
 * - A message whose `value` came from one of our cards is a button press or a form submission.
 * - Installing the app (and every message) stores the user's conversation reference, which is
 *   how reminders reach them later.
 */
import { TeamsInfo, TurnContext, type Activity } from 'botbuilder';
import { errorMessage, type Inbound, type Touchpoint } from '../../src/core/app';
import type { Reply } from '../../src/core/context';
import type { Identity, Tenant } from '../../src/core/model';
import type { Clock, Logger } from '../../src/core/ports';
import { ROOTS, splitRoot, type Root } from '../../src/core/registry';
import { formOf, type Message } from '../../src/messages/model';
import { settledMessage, type PressedButton } from '../../src/messages/reply';
import type { Services } from '../../src/core/ports';
import type { TeamsConversationRepository } from '../../src/store/teams';
import { commandTextOf, identityOf, isPersonal, mentionReader, submissionOf } from './activity';
import { cardActivity, formAgainActivity, FormMemory, teamsParts, type FormBlock } from './cards';
import { SentCards } from './sent-cards';
import { teamsSyntaxOf, type Place, type TeamsSyntax } from './syntax';

export interface TeamsBotOptions {
  app: Touchpoint;
  services: Services;
  conversations: TeamsConversationRepository;
  clock: Clock;
  logger: Logger;
  /** The tenant for activities that name none: only the Emulator in local mode. */
  fallbackTenant?: string;
  forms?: FormMemory;
  /** Cards with buttons sent, shared with the notifier (whose DMs carry most of them). */
  sent?: SentCards;
  /** How commands read in Teams; from the app's registry when not given. */
  syntax?: TeamsSyntax;
}

/** A 1:1 chat with the bot, or a channel / group chat others read. */
export function placeOf(activity: Partial<Activity>): Place {
  return isPersonal(activity) ? 'personal' : 'shared';
}

export const WELCOME: Message = {
  text: 'Welcome to Touchpoint: a fixed, recurring touch-point between principal and coach, and a private way for teachers to ask a coach for help. Type help to see the commands.',
  blocks: [
    { type: 'header', text: 'Welcome to Touchpoint' },
    {
      type: 'text',
      text: 'A fixed, recurring touch-point between principal and coach, with the agenda gathered ahead of time, and a private way for teachers to ask a coach for help.',
    },
    { type: 'context', text: 'Type **help** for the touch-point commands, or **coaching help** for coaching.' },
  ],
};

export const COACHING_IN_CHANNEL: Message = errorMessage(
  'Coaching requests stay between you and the coaches, so I only take coaching commands in a personal chat with me. Open a chat with Touchpoint and type it there.',
);

/**
 * Replies in a channel are seen by the whole team, so only commands whose answers hold nothing
 * private run there (the team command list of the app package); the rest stay in a personal chat.
 */
export const PRIVATE_IN_CHANNEL: Message = errorMessage(
  'That answer is private to you, so I only take it in a personal chat with me. Open a chat with Touchpoint and type it there.',
);

const NO_TENANT = errorMessage('I could not tell which Microsoft 365 organisation this message came from, so I did not act on it.');
const STALE_CARD = errorMessage('That card is out of date. Type the command again.');

interface Known {
  identity: Identity;
  tenantId: number;
  userId: number;
}

export class TeamsBot {
  readonly forms: FormMemory;
  readonly sent: SentCards;
  readonly syntax: TeamsSyntax;

  constructor(private readonly options: TeamsBotOptions) {
    this.forms = options.forms ?? new FormMemory();
    this.sent = options.sent ?? new SentCards();
    this.syntax = options.syntax ?? teamsSyntaxOf(options.app.registry);
  }

  async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    // Never act on our own messages, whatever a channel echoes back.
    if (activity.from?.id && activity.from.id === activity.recipient?.id) return;
    switch (activity.type) {
      case 'message':
        return this.onMessage(context);
      case 'conversationUpdate':
        return this.onConversationUpdate(context);
      case 'installationUpdate':
        this.onInstallationUpdate(context);
        return;
      default:
        return; // typing, reactions, invokes: nothing to do
    }
  }

  private async onMessage(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const known = this.remember(activity);
    if (!known) {
      this.options.logger.warn({ channelId: activity.channelId }, 'Teams message without a tenant ignored');
      await this.send(context, [NO_TENANT]);
      return;
    }
    const inbound: Inbound = { identity: known.identity, where: placeOf(activity) };
    const hasValue = activity.value !== undefined && activity.value !== null;
    if (hasValue && !activity.text?.trim()) {
      await this.onSubmission(context, inbound, known);
      return;
    }
    const { text, mentioned } = commandTextOf(activity);
    const { root, text: rest } = splitRoot(text);
    if (root === 'coaching' && !isPersonal(activity)) {
      await this.send(context, [COACHING_IN_CHANNEL]);
      return;
    }
    if (!isPersonal(activity) && this.options.app.registry.visibilityOfText(root, rest) !== 'channel-safe') {
      await this.send(context, [PRIVATE_IN_CHANNEL]);
      return;
    }
    const { conversations } = this.options;
    inbound.mentions = mentionReader(mentioned, (teamsId) => conversations.externalIdOfChannelUser(known.identity.tenantExternalId, teamsId));
    await this.reply(context, this.options.app.command(inbound, root, rest), known);
  }

  private async onSubmission(context: TurnContext, inbound: Inbound, known: Known): Promise<void> {
    const submission = submissionOf(context.activity.value);
    if (!submission) {
      await this.send(context, [STALE_CARD]);
      return;
    }
    const { app } = this.options;
    if (
      !isPersonal(context.activity) &&
      (submission.kind === 'action' ? app.registry.visibilityOfAction(submission.actionId) : app.registry.visibilityOfForm(submission.formId)) !==
        'channel-safe'
    ) {
      await this.send(context, [PRIVATE_IN_CHANNEL]);
      return;
    }
    if (submission.kind === 'action') {
      await this.reply(context, app.action(inbound, submission.actionId, submission.value), known, { actionId: submission.actionId, value: submission.value });
      return;
    }
    const outcome = app.submitForm(inbound, submission.formId, submission.values);
    if (outcome.fieldErrors) {
      const form = this.formToRedraw(context, inbound, submission.formId);
      if (form) {
        await context.sendActivity(formAgainActivity(form, outcome.fieldErrors, submission.values));
        return;
      }
    }
    await this.reply(context, outcome.reply, known);
  }

  /** The form as it was sent; failing that (a restart), a fresh copy of a command's form. */
  private formToRedraw(context: TurnContext, inbound: Inbound, formId: string): FormBlock | undefined {
    const remembered = this.forms.find(context.activity.conversation.id, formId);
    if (remembered) return remembered;
    const base = formId.split(':')[0];
    const [root, ...rest] = base.split('.');
    const name = rest.join('.');
    if (!ROOTS.includes(root as Root) || !/^[a-z-]+$/.test(name)) return undefined;
    // A command typed with no arguments answers with its form (with a one-time id of its own).
    const fresh = this.options.app
      .command(inbound, root as Root, name)
      .messages.map(formOf)
      .find((f) => f?.formId.split(':')[0] === base);
    return fresh;
  }

  private async onConversationUpdate(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const botId = activity.recipient?.id;
    if ((activity.membersAdded ?? []).some((m) => m.id === botId)) {
      const known = this.remember(activity);
      if (known && isPersonal(activity)) await this.send(context, [WELCOME]);
      // Added to a team or a group chat: its roster makes the staff known before they speak.
      if (known && !isPersonal(activity)) await this.seedRoster(context, known);
    }
    if ((activity.membersRemoved ?? []).some((m) => m.id === botId)) this.forget(activity);
  }

  private onInstallationUpdate(context: TurnContext): void {
    const action = (context.activity as Partial<Activity> & { action?: string }).action ?? '';
    // The welcome goes out with the conversationUpdate Teams sends alongside.
    if (action.startsWith('add')) this.remember(context.activity);
    else if (action.startsWith('remove')) this.forget(context.activity);
  }

  /**
   * Finds or creates the tenant and user and stores the conversation reference: the 1:1 chat as
   * `personal`, a team channel as `channel` (used only to open a 1:1 chat later).
   */
  private remember(activity: Activity): Known | undefined {
    const { app, services, conversations, clock, fallbackTenant } = this.options;
    const identity = identityOf(activity, fallbackTenant);
    if (!identity) return undefined;
    const now = clock.now();
    const from = activity.from;
    const reference = TurnContext.getConversationReference(activity);
    return services.transaction(() => {
      // Someone first met in a channel is stored under their Teams id; re-keyed to their AAD object id before the lookup.
      const adopt = (tenant: Tenant): void => {
        if (from.aadObjectId && from.id) conversations.adoptAadObjectId(tenant.id, from.id, from.aadObjectId);
      };
      const { tenant, user } = app.identify(identity, { beforeUser: adopt });
      if (activity.conversation?.id && activity.serviceUrl && from.id) {
        conversations.save(
          {
            tenantId: tenant.id,
            userId: user.id,
            scope: isPersonal(activity) ? 'personal' : 'channel',
            conversationId: activity.conversation.id,
            channelUserId: from.id,
            serviceUrl: activity.serviceUrl,
            reference: reference,
          },
          now,
        );
      }
      return { identity, tenantId: tenant.id, userId: user.id };
    });
  }

  /**
   * The people of the team (or group chat) the app was added to, page by page: each becomes known
   * by name (so a principal can name a coach who has never written to the bot) and gets a channel
   * reference, through which a 1:1 chat is opened when Touchpoint first has something for them.
   */
  private async seedRoster(context: TurnContext, known: Known): Promise<void> {
    const { app, services, conversations, clock, logger } = this.options;
    const activity = context.activity;
    const channelReference = TurnContext.getConversationReference(activity);
    let continuationToken: string | undefined;
    let seeded = 0;
    try {
      for (let page = 0; page < 100; page++) {
        const result = await TeamsInfo.getPagedMembers(context, 100, continuationToken);
        services.transaction(() => {
          for (const member of result.members) {
            if (!member.aadObjectId || !member.id || member.id === activity.recipient?.id) continue;
            const { user } = app.identify({
              platform: 'teams',
              tenantExternalId: known.identity.tenantExternalId,
              userExternalId: member.aadObjectId,
              displayName: member.name,
            });
            if (activity.conversation?.id && activity.serviceUrl) {
              conversations.save(
                {
                  tenantId: known.tenantId,
                  userId: user.id,
                  scope: 'channel',
                  conversationId: activity.conversation.id,
                  channelUserId: member.id,
                  serviceUrl: activity.serviceUrl,
                  // The channel's reference, as this member (not whoever added the app) would send it.
                  reference: { ...channelReference, user: { id: member.id, name: member.name, aadObjectId: member.aadObjectId } },
                },
                clock.now(),
              );
            }
            seeded += 1;
          }
        });
        continuationToken = result.continuationToken;
        if (!continuationToken) break;
      }
      logger.info({ seeded }, 'Teams roster read');
    } catch (err) {
      // Without the roster people are learned as they speak or are mentioned, as before.
      logger.warn({ err: (err as Error)?.message ?? String(err), seeded }, 'Teams roster could not be read');
    }
  }

  /** The app was removed from this chat: direct messages can no longer go there. */
  private forget(activity: Activity): void {
    const { services, conversations, clock, fallbackTenant } = this.options;
    const identity = identityOf(activity, fallbackTenant);
    if (!identity || !isPersonal(activity)) return;
    const tenant = services.people.ensureTenant('teams', identity.tenantExternalId, clock.now());
    const user = services.people.userByExternalId(tenant.id, identity.userExternalId);
    if (user) conversations.remove(tenant.id, user.id, 'personal');
  }

  private async reply(context: TurnContext, reply: Reply, known: Known, pressed?: PressedButton): Promise<void> {
    if (reply.outcome !== undefined) await this.settle(context, reply.outcome, pressed);
    await this.send(context, reply.messages, known);
  }

  /**
   * The press settled the card that carried the button: it is redrawn with the outcome where its
   * buttons were ("✓ Accepted by Casey Lee, Mon 23 Nov"), so no one presses a used button again.
   * Cards are kept a month (across restarts); one older than that becomes the outcome line alone.
   */
  private async settle(context: TurnContext, outcome: string, pressed?: PressedButton): Promise<void> {
    const activity = context.activity;
    const cardId = activity.replyToId;
    if (!cardId) return;
    const original = this.sent.find(activity.conversation.id, cardId);
    // A card no longer kept (past its 30 days) is left as it is rather than redrawn without its content.
    if (!original) return;
    const settled = settledMessage(original, outcome, pressed);
    try {
      await context.updateActivity({ ...cardActivity(settled), id: cardId });
    } catch (err) {
      // The answer still goes out; a stale button is refused as "already answered" if pressed.
      const status = (err as { statusCode?: unknown } | null)?.statusCode;
      this.options.logger.warn({ status, err: (err as Error)?.message ?? String(err) }, 'Teams card could not be updated after its button was pressed');
    }
  }

  /** Replies in the conversation; a card with buttons is kept under whom it answered (`known`). */
  private async send(context: TurnContext, messages: Message[], known?: Known): Promise<void> {
    const conversationId = context.activity.conversation.id;
    for (const message of messages) {
      for (const { part, activity } of teamsParts(message, { place: placeOf(context.activity), syntax: this.syntax })) {
        this.forms.rememberFrom(conversationId, part);
        const sent = await context.sendActivity(activity);
        this.sent.remember({ conversationId, activityId: sent?.id, tenantId: known?.tenantId, userId: known?.userId }, part);
      }
    }
  }
}
