/**
 * The Slack adapter: a Bolt 5 app in Socket Mode (when SLACK_APP_TOKEN is set) or HTTP mode on
 * the service's own HTTP server (POST /slack/events, signatures verified by Bolt's HTTPReceiver),
 * for one workspace (SLACK_BOT_TOKEN) or many (OAuth at GET /slack/install and
 * /slack/oauth_redirect, installations in SQLite). It registers the 'slack' Notifier with the
 * dispatcher. SLACK_API_URL points every Web API call at another base URL.
 */
import { App, HTTPReceiver, type AppOptions, type Authorize, type ReceiverEvent } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../src/compose';
import type { SlackConfig } from '../../src/config';
import type { Logger, UserRef } from '../../src/core/ports';
import { silentLogger } from '../../src/core/ports';
import { sendJson, type HttpServer } from '../../src/http/server';
import { PlatformUnreachableError, type PlatformAdapter } from '../../src/platform';
import type { SlackStore } from '../../src/store/slack';
import { SlackDirectory } from './directory';
import { SqliteInstallationStore, type AuthorizeInstallation } from './installation-store';
import { oauthCallbackOptions } from './oauth-pages';
import { SlackListeners } from './listeners';
import { slackLogger } from './logger';
import { SlackNotifier } from './notifier';
import { BOT_SCOPES, SLACK_PATHS } from './scopes';

export { renderHome, renderMessage } from './render-block-kit';
export { renderModal } from './render-modals';
export { SlackNotifier } from './notifier';

/** auth.test errors that mean the token itself is wrong: no retry fixes them. */
const SLACK_REFUSED_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/**
 * Counts every request Bolt processes, from before its ack until its listeners are done, and
 * answers 200 with nothing done to a signed request no listener acknowledged (`{}`, view_closed,
 * shortcuts, payload types this app does not handle) — at once, rather than a 404 after 3 s.
 */
class TrackedApp extends App {
  readonly inFlight = new Set<Promise<void>>();

  override async processEvent(event: ReceiverEvent): Promise<void> {
    let acked = false;
    const ack: ReceiverEvent['ack'] = async (response) => {
      acked = true;
      await event.ack(response);
    };
    const running = super.processEvent({ ...event, ack }).finally(async () => {
      if (!acked) await ack(undefined);
    });
    this.inFlight.add(running);
    try {
      await running;
    } finally {
      this.inFlight.delete(running);
    }
  }
}

export interface SlackOptions {
  config: SlackConfig;
  core: Core;
  /** The service's one HTTP server: Slack's routes are mounted on it. */
  http: HttpServer;
  logger?: Logger;
  /** PUBLIC_URL: gives the OAuth redirect URI (`${publicUrl}/slack/oauth_redirect`). */
  publicUrl?: string;
  /** Replaces global fetch for response_url posts and Web API calls (tests leave it). */
  fetch?: typeof globalThis.fetch;
}

export interface SlackRuntime {
  mode: 'socket' | 'http';
  multiWorkspace: boolean;
  app: App;
  notifier: SlackNotifier;
  store: SlackStore;
  installations?: SqliteInstallationStore;
  /** Resolves when every Slack request received so far has been handled completely. */
  settled(): Promise<void>;
  /** Disconnects Socket Mode (HTTP routes go with the server) and waits for running handlers. */
  stop(): Promise<void>;
  /** Reads a workspace's member list in the background, so its staff are known by name. */
  seedDirectory(client: WebClient, tenantExternalId: string, teamId?: string): void;
}

function normaliseApiUrl(url: string | undefined): string | undefined {
  return url ? (url.endsWith('/') ? url : `${url}/`) : undefined;
}

function mount(http: HttpServer, method: string, path: string, receiver: HTTPReceiver): void {
  http.route(method, path, (req: IncomingMessage, res: ServerResponse) => {
    try {
      receiver.requestListener(req, res);
    } catch {
      // HTTPReceiver throws for a request it does not serve (HTTPReceiverDeferredRequestError).
      if (!res.headersSent) sendJson(res, 404, { error: 'not found' });
    }
  });
}

/**
 * Builds the Slack app and registers the notifier, without touching the network: `startSlack`
 * verifies the token, mounts the HTTP routes and connects Socket Mode. Throws when the
 * configuration cannot work (loadConfig validates it first, so that means a programming error).
 */
export function createSlack(options: SlackOptions): SlackRuntime & { routes: SlackRoute[] } {
  const { config, core } = options;
  const logger = options.logger ?? silentLogger;
  const boltLogger = slackLogger(logger);
  const socket = config.appToken !== undefined;
  const multiWorkspace = config.clientId !== undefined && config.clientSecret !== undefined;
  const apiUrl = normaliseApiUrl(config.apiUrl);
  if (!multiWorkspace && !config.botToken) throw new Error('Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET');
  if (!socket && !config.signingSecret) throw new Error('Slack over HTTP needs SLACK_SIGNING_SECRET');
  if (multiWorkspace && config.botToken) logger.warn({}, 'SLACK_BOT_TOKEN is ignored: SLACK_CLIENT_ID/SLACK_CLIENT_SECRET select multi-workspace OAuth');

  const store = core.platformStores.slack;
  // Whoever installs the app in a workspace is a Touchpoint admin there (DESIGN.md §1 "Roles and
  // governance"), and the workspace's staff become known by name (its member list, in the background).
  let afterInstall: (tenantExternalId: string, installerUserId: string, botToken?: string, teamId?: string) => void = () => undefined;
  const installations = multiWorkspace ? new SqliteInstallationStore(store, core.clock) : undefined;
  // Interactive calls (views.open must beat a 3 s trigger_id) retry once, briefly, and give up on a
  // request Slack does not answer within 5 s (a hung call would hold the listener, and its
  // request's reply, for undici's 5 minutes); the Notifier's client never retries.
  const clientOptions: WebClientOptions = {
    timeout: 5_000,
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    retryConfig: { retries: 1, minTimeout: 250, maxTimeout: 1000 },
    logger: boltLogger,
  };
  const redirectUri = options.publicUrl ? `${options.publicUrl}${SLACK_PATHS.oauthRedirect}` : undefined;
  const oauth = multiWorkspace
    ? {
        clientId: config.clientId!,
        clientSecret: config.clientSecret!,
        stateSecret: config.stateSecret,
        scopes: [...BOT_SCOPES],
        installationStore: installations,
        redirectUri,
        installerOptions: {
          installPath: SLACK_PATHS.install,
          redirectUriPath: SLACK_PATHS.oauthRedirect,
          directInstall: true,
          // Friendly pages for a finished, cancelled or failed install; the installer becomes admin on success only.
          callbackOptions: oauthCallbackOptions({ onInstalled: (tenant, installer, botToken, teamId) => afterInstall(tenant, installer, botToken, teamId) }),
          clientOptions: { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), ...(options.fetch ? { fetch: options.fetch } : {}), logger: boltLogger },
        },
      }
    : undefined;

  let app: TrackedApp;
  const routes: SlackRoute[] = [];
  /** Bolt's installer (OAuth mode): authorizes with an installation's token, refreshing a rotating one first. */
  let authorizeInstallation: AuthorizeInstallation | undefined;
  // deferInitialization: the token is verified (auth.test) by `startSlack`, where a failure can be reported.
  const common: AppOptions = { clientOptions, logger: boltLogger, deferInitialization: true };
  if (socket) {
    // Socket Mode's receiver would start its own HTTP server for OAuth; the install routes are
    // served by an HTTPReceiver on the service's server instead, and its installer authorizes.
    let authorize: Authorize<boolean> | undefined;
    if (oauth) {
      const installReceiver = new HTTPReceiver({
        signingSecret: config.signingSecret ?? '',
        signatureVerification: false,
        endpoints: [],
        logger: boltLogger,
        ...oauth,
      });
      const installer = installReceiver.installer!;
      authorize = (source) => installer.authorize(source);
      authorizeInstallation = (query) => installer.authorize(query);
      routes.push(
        { method: 'GET', path: SLACK_PATHS.install, receiver: installReceiver },
        { method: 'GET', path: SLACK_PATHS.oauthRedirect, receiver: installReceiver },
      );
    }
    app = new TrackedApp({ ...common, socketMode: true, appToken: config.appToken, ...(authorize ? { authorize } : { token: config.botToken }) });
  } else {
    const receiver = new HTTPReceiver({
      signingSecret: config.signingSecret!,
      endpoints: SLACK_PATHS.events,
      processBeforeResponse: false,
      logger: boltLogger,
      ...(oauth ?? {}),
    });
    app = new TrackedApp({ ...common, receiver, ...(oauth ? {} : { token: config.botToken }) });
    const installer = receiver.installer;
    if (installer) authorizeInstallation = (query) => installer.authorize(query);
    routes.push({ method: 'POST', path: SLACK_PATHS.events, receiver });
    if (oauth) routes.push({ method: 'GET', path: SLACK_PATHS.install, receiver }, { method: 'GET', path: SLACK_PATHS.oauthRedirect, receiver });
  }

  const directory = new SlackDirectory(core, logger, store);
  afterInstall = (tenantExternalId, installerUserId, botToken, teamId) => {
    const { tenant, user } = core.app.identify({ platform: 'slack', tenantExternalId, userExternalId: installerUserId });
    core.services.transaction(() => core.services.people.addTenantAdmin(tenant.id, user.id, null, core.clock.now()));
    if (teamId) store.rememberWorkspace(tenantExternalId, installerUserId, teamId, core.clock.now());
    if (botToken) seedDirectory(new WebClient(botToken, clientOptions), tenantExternalId, teamId);
  };
  new SlackListeners({
    core,
    store,
    directory,
    logger,
    fetch: options.fetch,
    seedDirectory: (client, tenant, team) => seedDirectory(client, tenant, team),
  }).register(app);

  /**
   * Enterprise Grid, someone never seen in any workspace: any installation of the org can look
   * them up (users.info answers with their workspace). With several workspaces and no answer there
   * is no safe guess: the send is retried later rather than made with another school's token.
   */
  const findWorkspace = async (recipient: UserRef): Promise<string | undefined> => {
    const org = store.installationsInOrg(recipient.tenantExternalId).filter((i) => !i.isEnterpriseInstall && i.botToken);
    if (org.length < 2) return undefined; // the tenant's own or only installation serves them
    try {
      const res = await new WebClient(org[0].botToken!, clientOptions).users.info({ user: recipient.externalId });
      const team = res.user?.team_id;
      if (team) {
        store.rememberWorkspace(recipient.tenantExternalId, recipient.externalId, team, core.clock.now(), false);
        return team;
      }
    } catch (err) {
      logger.debug({ err: (err as Error).message, userId: recipient.userId }, 'users.info could not find the workspace of a recipient');
    }
    throw new Error('the Slack workspace of this person is not known yet');
  };

  const notifier = new SlackNotifier({
    // Enterprise Grid: the installation of the recipient's own workspace, never another school's.
    tokenFor: async (recipient) => {
      if (!installations) return config.botToken;
      const team = store.workspaceOf(recipient.userId) ?? (await findWorkspace(recipient));
      return installations.botTokenFor(recipient.tenantExternalId, team, authorizeInstallation);
    },
    apiUrl,
    logger,
    parts: core.platformStores.outboxParts,
    clock: core.clock,
    clientOptions: { logger: boltLogger, ...(options.fetch ? { fetch: options.fetch } : {}) },
  });

  // The member list is read in the background (a large workspace takes a while); stop waits for it.
  // Once per workspace and process: when it is installed, or at its first request after a start.
  const seeding = new Set<Promise<number>>();
  const seededTenants = new Set<string>();
  const seedDirectory = (client: WebClient, tenantExternalId: string, teamId?: string): void => {
    const key = `${tenantExternalId}:${teamId ?? ''}`; // each workspace of a Grid org has its own members
    if (seededTenants.has(key)) return;
    seededTenants.add(key);
    const run = directory.seed(client, tenantExternalId, teamId).finally(() => seeding.delete(run));
    seeding.add(run);
  };
  const settled = async (): Promise<void> => {
    while (app.inFlight.size > 0 || seeding.size > 0) await Promise.allSettled([...app.inFlight, ...seeding]);
  };
  return {
    mode: socket ? 'socket' : 'http',
    multiWorkspace,
    app,
    notifier,
    store,
    installations,
    settled,
    seedDirectory,
    routes,
    stop: async () => {
      if (socket) await app.stop();
      await settled();
    },
  };
}

export interface SlackRoute {
  method: 'GET' | 'POST';
  path: string;
  receiver: HTTPReceiver;
}

/**
 * Starts Slack: verifies the bot token (single workspace: auth.test), mounts /slack/events (HTTP
 * mode) and the OAuth routes on the service's HTTP server, registers the 'slack' Notifier with the
 * dispatcher and, in Socket Mode, connects. Call it once, after `buildCore`.
 */
export async function startSlack(options: SlackOptions): Promise<SlackRuntime> {
  const { routes, ...slack } = createSlack(options);
  try {
    await slack.app.init();
  } catch (err) {
    const code = (err as { data?: { error?: string } }).data?.error;
    // Slack answered and refused the token: fatal. No answer (network, timeout, HTTP 5xx, rate limit): retried.
    if (code !== undefined && SLACK_REFUSED_TOKEN.has(code)) throw new Error(`Slack did not accept SLACK_BOT_TOKEN (auth.test: ${code})`);
    throw new PlatformUnreachableError(`Slack could not be reached (auth.test: ${code ?? (err as Error).message})`);
  }
  for (const r of routes) mount(options.http, r.method, r.path, r.receiver);
  options.core.dispatcher.addNotifier(slack.notifier);
  if (slack.mode === 'socket') await slack.app.start();
  (options.logger ?? silentLogger).info(
    { mode: slack.mode, multiWorkspace: slack.multiWorkspace, customApiUrl: options.config.apiUrl !== undefined },
    'slack started',
  );
  return slack;
}

/**
 * Slack as a platform adapter (see src/platform.ts): `startSlack` on start, Socket Mode
 * disconnected and running handlers awaited on stop, and the requests taken over HTTP awaited
 * once the server has closed.
 */
export function slackAdapter(options: Omit<SlackOptions, 'core'>): PlatformAdapter {
  let slack: SlackRuntime | undefined;
  return {
    name: 'slack',
    title: 'Slack',
    get notifier() {
      return slack?.notifier;
    },
    async start(core) {
      slack = await startSlack({ ...options, core });
    },
    async stop() {
      await slack?.stop();
    },
    async settled() {
      await slack?.settled();
    },
  };
}
