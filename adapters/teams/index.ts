/**
 * Microsoft Teams: botbuilder's CloudAdapter on POST /api/messages of the service's one HTTP
 * server, the Teams Notifier for direct messages, and conversation references in SQLite.
 *
 * Every botbuilder import of the project lives in this folder (adapters/teams/); the core only
 * sees its ports (Touchpoint, Notifier, MentionReader). Moving to the Microsoft 365 Agents SDK
 * or the Teams SDK touches this folder alone (docs/teams.md).
 *
 * Authentication:
 * - With MICROSOFT_APP_ID (+ secret and tenant, by app type): every request must carry a valid
 *   Bot Framework token; anything else gets 401 and changes nothing.
 * - Without it (local mode only): no tokens, for the Bot Framework Emulator. The service then
 *   listens on 127.0.0.1, and this endpoint also refuses a `serviceUrl` off this machine, so no
 *   one can make the bot call a URL of their choosing.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../src/compose';
import type { TeamsConfig } from '../../src/config';
import type { Logger } from '../../src/core/ports';
import { sendJson, type HttpServer } from '../../src/http/server';
import type { PlatformAdapter } from '../../src/platform';
import type { TeamsConversationRepository } from '../../src/store/teams';
import { errorMessage } from '../../src/core/app';
import { TeamsBot } from './bot';
import { cardActivity, FormMemory } from './cards';
import { SentCards } from './sent-cards';
import { teamsSyntaxOf } from './syntax';
import { activityOf, BodyError, readJsonBody } from './http';
import { TeamsNotifier } from './notifier';

export const MESSAGES_PATH = '/api/messages';
/** The tenant Emulator conversations belong to (its activities name none). */
export const EMULATOR_TENANT = 'emulator';

export interface StartTeamsOptions {
  config: { teams: TeamsConfig };
  core: Core;
  http: HttpServer;
  logger: Logger;
  /** Local mode: no app id, the Emulator only, on this machine only. */
  local: boolean;
  /**
   * More Bot Framework authentication settings (ConfigurationBotFrameworkAuthentication keys such
   * as ChannelService for a sovereign cloud). Tests point the token checks at a local fake here.
   */
  authSettings?: Partial<ConfigurationBotFrameworkAuthenticationOptions>;
  /** How long a proactive DM may go unanswered before the outbox retries it (default 15 s). */
  sendTimeoutMs?: number;
}

/** What a checked token says about the request (botbuilder keeps the type in a package of its own). */
type AuthenticateRequestResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/**
 * The CloudAdapter, with the turn run for a request whose token the route has already checked.
 * (Its own `process` checks the token too, but prints each refusal's stack trace to stderr.)
 */
export class TeamsCloudAdapter extends CloudAdapter {
  runAuthenticated(result: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(result, activity, logic);
  }
}

type ConsoleError = typeof console.error & { teamsTokenNoiseFiltered?: true };

/** What botbuilder's token check prints itself before it throws (the throw is logged by the route, once). */
function isTokenCheckNoise(first: unknown): boolean {
  if (first instanceof Error && first.name === 'TokenExpiredError') return true;
  return typeof first === 'string' && first.startsWith('Error finding key for token.');
}

/**
 * botbuilder's token check prints an expired token's error and a bad signature's key dump with
 * console.error before throwing; the route logs the refusal as one warning line instead. Only
 * those two prints are dropped; everything else reaches console.error as before.
 */
function silenceTokenCheckNoise(): void {
  // eslint-disable-next-line no-console -- botbuilder prints with console.error; this wraps exactly that
  const current = console.error as ConsoleError;
  if (current.teamsTokenNoiseFiltered) return;
  const filtered: ConsoleError = (...args: unknown[]) => {
    if (isTokenCheckNoise(args[0])) return;
    current.apply(console, args);
  };
  filtered.teamsTokenNoiseFiltered = true;
  // eslint-disable-next-line no-console -- see above: the wrapper forwards all but the two token-check prints
  console.error = filtered;
}

/** The one-line reason a token was refused (botbuilder's messages can span lines). */
function refusalReason(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  return message.split('\n')[0].slice(0, 200);
}

export interface TeamsHandle {
  adapter: CloudAdapter;
  bot: TeamsBot;
  notifier: TeamsNotifier;
  conversations: TeamsConversationRepository;
  authenticated: boolean;
}

/** The Bot Framework settings for the configured app type (keys as botbuilder names them). */
export function botFrameworkSettings(teams: TeamsConfig): ConfigurationBotFrameworkAuthenticationOptions {
  if (!teams.appId) return {};
  const settings: ConfigurationBotFrameworkAuthenticationOptions = { MicrosoftAppId: teams.appId, MicrosoftAppType: teams.appType };
  // A managed identity has no secret, and botbuilder refuses one if given.
  if (teams.appType !== 'UserAssignedMSI' && teams.appPassword) settings.MicrosoftAppPassword = teams.appPassword;
  if (teams.tenantId) settings.MicrosoftAppTenantId = teams.tenantId;
  return settings;
}

function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

export function startTeams(options: StartTeamsOptions): TeamsHandle {
  const { config, core, http, logger, local } = options;
  const appId = config.teams.appId ?? '';
  const authenticated = appId !== '';
  if (!authenticated && !local) {
    throw new Error('refusing to serve Teams without MICROSOFT_APP_ID outside local mode: anyone could post as any user');
  }

  silenceTokenCheckNoise();
  const auth = new ConfigurationBotFrameworkAuthentication({ ...botFrameworkSettings(config.teams), ...options.authSettings });
  const adapter = new TeamsCloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    logger.error({ err: error?.stack ?? String(error), activityType: context.activity?.type }, 'Teams turn failed');
    try {
      await context.sendActivity(cardActivity(errorMessage('Something went wrong on our side. Please try again.')));
    } catch {
      // The connector itself may be what failed; the log line above is what matters.
    }
  };

  const conversations = core.platformStores.teams;
  const forms = new FormMemory();
  // Kept in SQLite too: a card sent before a restart is redrawn whole when its button settles it.
  const sent = new SentCards({ store: core.platformStores.teamsCards, clock: core.clock, logger });
  const syntax = teamsSyntaxOf(core.app.registry);
  const bot = new TeamsBot({
    sent,
    syntax,
    app: core.app,
    services: core.services,
    conversations,
    clock: core.clock,
    logger,
    forms,
    fallbackTenant: authenticated ? undefined : EMULATOR_TENANT,
  });
  const notifier = new TeamsNotifier({
    adapter,
    appId,
    conversations,
    clock: core.clock,
    logger,
    forms,
    sent,
    syntax,
    parts: core.platformStores.outboxParts,
    sendTimeoutMs: options.sendTimeoutMs,
  });
  core.dispatcher.addNotifier(notifier);

  http.route('POST', MESSAGES_PATH, async (req: IncomingMessage, res: ServerResponse) => {
    let body: Record<string, unknown>;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      if (err instanceof BodyError) {
        sendJson(res, err.status, { error: err.message });
        return;
      }
      throw err;
    }
    if (!authenticated && !isLoopbackUrl(body.serviceUrl)) {
      logger.warn(
        { serviceUrl: typeof body.serviceUrl === 'string' ? body.serviceUrl : undefined },
        'local Teams endpoint refused a serviceUrl off this machine',
      );
      sendJson(res, 403, { error: 'in local mode only a Bot Framework Emulator on this machine may call (serviceUrl must be localhost)' });
      return;
    }
    const read = activityOf(body);
    if ('error' in read) {
      sendJson(res, 400, { error: read.error });
      return;
    }
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
    // The token is checked here, so a refusal is one warning line (botbuilder's own check prints a
    // stack trace for each). Any failure of the check is a refusal: a bad signature surfaces as a
    // plain jsonwebtoken error, not an AuthenticationError.
    let checked: AuthenticateRequestResult;
    try {
      checked = await auth.authenticateRequest(read.activity, authorization);
    } catch (err) {
      logger.warn(
        { status: 401, reason: refusalReason(err), remote: req.socket.remoteAddress },
        'Teams request refused: missing or invalid Bot Framework token',
      );
      sendJson(res, 401, { error: 'Unauthorized' });
      return;
    }
    const answer = await adapter.runAuthenticated(checked, read.activity, (context) => bot.onTurn(context));
    if (answer?.body !== undefined) sendJson(res, answer.status, answer.body);
    else {
      res.writeHead(answer?.status ?? 200);
      res.end();
    }
  });

  logger.info({ path: MESSAGES_PATH, authenticated, appType: authenticated ? config.teams.appType : undefined }, 'Teams endpoint mounted');
  return { adapter, bot, notifier, conversations, authenticated };
}

/**
 * Teams as a platform adapter (see src/platform.ts): `startTeams` on start. It holds no connection
 * of its own (its route goes with the HTTP server), so stopping has nothing to do.
 */
export function teamsAdapter(options: Omit<StartTeamsOptions, 'core'>): PlatformAdapter {
  let teams: TeamsHandle | undefined;
  return {
    name: 'teams',
    title: 'Teams',
    get notifier() {
      return teams?.notifier;
    },
    start(core) {
      // A promise made this way rejects when startTeams throws (no MICROSOFT_APP_ID outside local mode).
      return new Promise<void>((resolve) => {
        teams = startTeams({ ...options, core });
        resolve();
      });
    },
    async stop() {},
  };
}

export { renderAdaptiveCard } from './render-adaptive-card';
