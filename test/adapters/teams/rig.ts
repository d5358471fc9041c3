/**
 * The Teams adapter on the service's real HttpServer, on a real core (in-memory SQLite, settable
 * clock), talking to a fake Bot Connector. Tests POST real Bot Framework activities over HTTP.
 */
import type { AddressInfo } from 'node:net';
import { buildCore, type Core } from '../../../src/compose';
import { SettableClock, type Logger } from '../../../src/core/ports';
import type { TeamsConfig } from '../../../src/config';
import type { Role } from '../../../src/core/model';
import { HttpServer } from '../../../src/http/server';
import { startTeams, type StartTeamsOptions, type TeamsHandle } from '../../../adapters/teams';
import type { AdaptiveCard } from '../../../adapters/teams/render-adaptive-card';
import { FakeConnector } from '../../support/fake-connector';

type AuthSettings = StartTeamsOptions['authSettings'];

/**
 * botbuilder's public-cloud Bot Framework settings, with the channel's signing keys read from the
 * fake connector. (Setting any one of these makes botbuilder take all of them as given, so all
 * are spelled out, as in its public-cloud defaults.)
 */
export function publicCloudWithFakeKeys(connector: FakeConnector): NonNullable<AuthSettings> {
  return {
    ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
    ToChannelFromBotOAuthScope: 'https://api.botframework.com',
    ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
    OAuthUrl: 'https://api.botframework.com',
    ToBotFromChannelOpenIdMetadataUrl: connector.openIdMetadataUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    CallerId: 'urn:botframework:azure',
    ValidateAuthority: true,
  };
}

export const TENANT = '72f988bf-0000-4000-8000-00000000aaaa';
export const BOT = { id: '28:touchpoint-bot', name: 'Touchpoint' };

export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  obj: object;
  msg?: string;
}

export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  info(obj: object, msg?: string): void {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string): void {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string): void {
    this.entries.push({ level: 'error', obj, msg });
  }
  debug(obj: object, msg?: string): void {
    this.entries.push({ level: 'debug', obj, msg });
  }
  at(level: LogEntry['level']): LogEntry[] {
    return this.entries.filter((e) => e.level === level);
  }
}

export interface Person {
  /** Teams id, `29:…` */
  id: string;
  aadObjectId: string;
  name: string;
}

export const PAT: Person = { id: '29:pat', aadObjectId: 'aad-pat', name: 'Pat Rivera' };
export const CASEY: Person = { id: '29:casey', aadObjectId: 'aad-casey', name: 'Casey Lee' };
export const TAYLOR: Person = { id: '29:taylor', aadObjectId: 'aad-taylor', name: 'Taylor Morgan' };
export const JORDAN: Person = { id: '29:jordan', aadObjectId: 'aad-jordan', name: 'Jordan Kim' };
export const DREW: Person = { id: '29:drew', aadObjectId: 'aad-drew', name: 'Drew Park' };

export const CHANNEL = '19:general@thread.tacv2';
export const personalChat = (p: Person): string => `a:personal-${p.aadObjectId}`;

export interface Rig {
  core: Core;
  clock: SettableClock;
  http: HttpServer;
  url: string;
  connector: FakeConnector;
  teams: TeamsHandle;
  logger: RecordingLogger;
  post(activity: object, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /**
   * The service restarted on the same database: a new HTTP server, bot and notifier (nothing kept
   * in memory), the same core and fake connector.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(
  opts: { teams?: TeamsConfig; local?: boolean; authSettings?: AuthSettings | ((connector: FakeConnector) => AuthSettings); sendTimeoutMs?: number } = {},
): Promise<Rig> {
  const clock = new SettableClock(new Date('2026-11-23T13:00:00Z')); // Mon 08:00 New York
  const logger = new RecordingLogger();
  const core = buildCore({ databasePath: ':memory:', clock, logger, deliverImmediately: false, random: () => 0.5 });
  const connector = await FakeConnector.start();
  const serve = async (): Promise<{ http: HttpServer; teams: TeamsHandle; url: string }> => {
    const http = new HttpServer(logger);
    const teams = startTeams({
      config: { teams: opts.teams ?? { appType: 'SingleTenant' } },
      core,
      http,
      logger,
      local: opts.local ?? !opts.teams?.appId,
      authSettings: typeof opts.authSettings === 'function' ? opts.authSettings(connector) : opts.authSettings,
      sendTimeoutMs: opts.sendTimeoutMs,
    });
    const address: AddressInfo = await http.listen(0, '127.0.0.1');
    return { http, teams, url: `http://127.0.0.1:${address.port}` };
  };
  const served = await serve();
  const rig: Rig = {
    core,
    clock,
    ...served,
    connector,
    logger,
    async post(activity, headers = {}) {
      const res = await fetch(`${rig.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      });
      return { status: res.status, text: await res.text() };
    },
    async restart() {
      await rig.http.close();
      Object.assign(rig, await serve());
    },
    async close() {
      await rig.http.close();
      await connector.close();
      core.close();
    },
  };
  return rig;
}

/** The demo school in the Teams tenant: members keyed by their AAD object ids, as Teams names them. */
export function seedSchool(
  rig: Rig,
  members: [Person, Role][] = [
    [PAT, 'principal'],
    [CASEY, 'coach'],
    [TAYLOR, 'coach'],
    [JORDAN, 'coach'],
    [DREW, 'teacher'],
  ],
): number {
  const now = rig.clock.now();
  const tenant = rig.core.services.people.ensureTenant('teams', TENANT, now);
  const creator = rig.core.services.people.ensureUser(tenant.id, members[0][0].aadObjectId, now, members[0][0].name);
  const school = rig.core.services.people.createSchool(
    tenant.id,
    { name: 'Demo Elementary', timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: creator.id },
    now,
  );
  for (const [person, role] of members) {
    const u = rig.core.services.people.ensureUser(tenant.id, person.aadObjectId, now, person.name);
    rig.core.services.people.addMembership(tenant.id, school.id, u.id, role, now);
  }
  return school.id;
}

let seq = 0;

function base(rig: Rig, from: Person, conversation: object): Record<string, unknown> {
  seq += 1;
  return {
    id: `incoming-${seq}`,
    timestamp: rig.clock.now().toISOString(),
    channelId: 'msteams',
    serviceUrl: rig.connector.url,
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: BOT,
    conversation,
    channelData: { tenant: { id: TENANT } },
    locale: 'en-US',
  };
}

export function personalConversation(p: Person): object {
  return { id: personalChat(p), conversationType: 'personal', tenantId: TENANT };
}

export function channelConversation(): object {
  return { id: `${CHANNEL};messageid=1700000000000`, conversationType: 'channel', isGroup: true, tenantId: TENANT };
}

/** A message in the person's 1:1 chat with the bot. */
export function personalMessage(rig: Rig, from: Person, text: string): Record<string, unknown> {
  return { ...base(rig, from, personalConversation(from)), type: 'message', text, textFormat: 'plain' };
}

/** `@Touchpoint …` in a team channel, with mention entities for the bot and for each person named. */
export function channelMessage(rig: Rig, from: Person, text: string, mentioned: Person[] = []): Record<string, unknown> {
  const entities = [
    { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: BOT.name } },
    // Teams mention entities carry the person's Teams id and name, not their AAD object id.
    ...mentioned.map((p) => ({ type: 'mention', text: `<at>${p.name}</at>`, mentioned: { id: p.id, name: p.name } })),
  ];
  return { ...base(rig, from, channelConversation()), type: 'message', text: `<at>${BOT.name}</at> ${text}`, textFormat: 'plain', entities };
}

/** A card's Action.Submit, as Teams posts it: a message with the data (and inputs) as `value`. */
export function submit(
  rig: Rig,
  from: Person,
  value: object,
  conversation: object = personalConversation(from),
  replyToId = 'activity-1',
): Record<string, unknown> {
  return { ...base(rig, from, conversation), type: 'message', value, replyToId };
}

/** The app installed in the person's personal scope. */
export function installPersonal(rig: Rig, from: Person): Record<string, unknown> {
  return {
    ...base(rig, from, personalConversation(from)),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }, { id: from.id, aadObjectId: from.aadObjectId }],
  };
}

/** The app added to a team by this person (no welcome is posted to the channel). */
export function installInTeam(rig: Rig, from: Person): Record<string, unknown> {
  return {
    ...base(rig, from, { id: CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT }),
    type: 'conversationUpdate',
    membersAdded: [{ id: BOT.id }],
    channelData: { tenant: { id: TENANT }, team: { id: CHANNEL, name: 'Staff' }, eventType: 'teamMemberAdded' },
  };
}

/** Texts of a card's TextBlocks, in order. */
export function textsOf(card: AdaptiveCard): string[] {
  return (card.body as { type: string; text?: string }[]).filter((e) => e.type === 'TextBlock').map((e) => e.text ?? '');
}
