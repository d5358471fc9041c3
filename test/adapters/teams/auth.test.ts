/**
 * Who may call /api/messages. With an app id, only requests carrying a valid Bot Framework token
 * (checked by botbuilder against the channel's signing keys) are served; anything else is 401 and
 * changes nothing. Without one (local mode), only an Emulator on this machine may call.
 */
import { generateKeyPairSync } from 'node:crypto';
import { HttpServer } from '../../../src/http/server';
import { buildCore } from '../../../src/compose';
import { SettableClock } from '../../../src/core/ports';
import { botFrameworkSettings, startTeams } from '../../../adapters/teams';
import { CASEY, PAT, TENANT, installInTeam, installPersonal, personalMessage, publicCloudWithFakeKeys, startRig, type Rig } from './rig';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const SINGLE_TENANT = { appId: APP_ID, appPassword: 'not-a-real-secret', appType: 'SingleTenant' as const, tenantId: TENANT };

function rowCounts(rig: Rig): Record<string, number> {
  const count = (table: string): number => (rig.core.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    tenants: count('tenants'),
    users: count('users'),
    teams_conversations: count('teams_conversations'),
    series: count('series'),
    outbox: count('outbox'),
  };
}

describe('with an app id (SingleTenant, secret, tenant): tokens are verified', () => {
  let rig: Rig;
  let consoleError: jest.SpyInstance;

  beforeEach(async () => {
    // botbuilder's own request handling prints each refusal's stack with console.error: the adapter must not reach it.
    consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    // The channel-token checks read the fake connector's signing keys instead of login.botframework.com.
    rig = await startRig({ teams: SINGLE_TENANT, local: false, authSettings: publicCloudWithFakeKeys });
  });

  afterEach(async () => {
    await rig.close();
    consoleError.mockRestore();
  });

  const bearer = (rig: Rig, claims: Record<string, unknown> = {}, options = {}): Record<string, string> => ({
    authorization: `Bearer ${rig.connector.signToken({ aud: APP_ID, serviceurl: rig.connector.url, ...claims }, options)}`,
  });

  test('a request without a token is refused with 401 and changes nothing', async () => {
    const before = rowCounts(rig);
    const res = await rig.post(personalMessage(rig, PAT, 'setup Lincoln Elementary America/Chicago'));
    expect(res.status).toBe(401);
    expect(rowCounts(rig)).toEqual(before);
    expect(rowCounts(rig)).toMatchObject({ tenants: 0, users: 0, teams_conversations: 0 });
    expect(rig.connector.calls).toHaveLength(0);
    // One warning line, with the status and the reason, and no stack trace anywhere.
    const refusals = rig.logger.entries.filter((e) => e.msg === 'Teams request refused: missing or invalid Bot Framework token');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 'warn', obj: { status: 401, reason: expect.any(String) as string } });
    expect(JSON.stringify(rig.logger.entries)).not.toMatch(/\n\s+at /);
    expect(consoleError).not.toHaveBeenCalled();
  });

  test.each([
    ['a malformed token', () => ({ authorization: 'Bearer not-a-token' })],
    [
      "a token signed with someone else's key",
      (r: Rig) => bearer(r, {}, { keyId: 'unknown-key', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
    ],
    ['a forged token claiming the real key id', (r: Rig) => bearer(r, {}, { privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['a token for another bot', (r: Rig) => bearer(r, { aud: '99999999-2222-4333-8444-555555555555' })],
    ['a token for another service URL', (r: Rig) => bearer(r, { serviceurl: 'https://attacker.example/' })],
    ['an expired token', (r: Rig) => bearer(r, { exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
    ['a token from another issuer', (r: Rig) => bearer(r, { iss: 'https://attacker.example' })],
  ])('%s is refused with 401 and changes nothing', async (_name, headers) => {
    const res = await rig.post(personalMessage(rig, PAT, 'setup Lincoln Elementary America/Chicago'), headers(rig));
    expect(res.status).toBe(401);
    expect(rig.logger.at('warn').filter((e) => e.msg === 'Teams request refused: missing or invalid Bot Framework token')).toHaveLength(1);
    expect(consoleError).not.toHaveBeenCalled();
    expect(rowCounts(rig)).toMatchObject({ tenants: 0, users: 0, teams_conversations: 0 });
    expect(rig.connector.calls).toHaveLength(0);
  });

  test('a valid channel token is accepted (so the refusals above are the token checks, not a closed door)', async () => {
    const res = await rig.post(installInTeam(rig, PAT), bearer(rig));
    expect(res.status).toBe(200);
    expect(rowCounts(rig)).toMatchObject({ tenants: 1, users: 1, teams_conversations: 1 });
  });

  test('there is no Emulator tenant here: an activity naming no tenant is not acted on', async () => {
    const noTenant = { ...installInTeam(rig, CASEY), conversation: { id: 'x', isGroup: true, conversationType: 'channel' }, channelData: {} };
    const res = await rig.post(noTenant, bearer(rig));
    expect(res.status).toBe(200);
    expect(rowCounts(rig)).toMatchObject({ tenants: 0, users: 0, teams_conversations: 0 });
  });
});

describe('local mode (no app id): the Emulator on this machine', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  test('an activity without a tenant (the Emulator) is served under the emulator tenant', async () => {
    const emulator = {
      ...personalMessage(rig, PAT, 'help'),
      channelId: 'emulator',
      conversation: { id: 'emulator-conv' },
      channelData: undefined,
    };
    const res = await rig.post(emulator);
    expect(res.status).toBe(200);
    expect(rig.core.services.people.ensureTenant('teams', 'emulator', rig.clock.now()).id).toBe(1);
    expect(rig.connector.cards('emulator-conv')).toHaveLength(1);
  });

  test('a serviceUrl off this machine is refused: nobody can make the bot call a URL of their choosing', async () => {
    const res = await rig.post({ ...personalMessage(rig, PAT, 'help'), serviceUrl: 'https://attacker.example/' });
    expect(res.status).toBe(403);
    expect(rowCounts(rig)).toMatchObject({ tenants: 0, users: 0 });
  });

  test('only JSON is accepted (a web page cannot post text/plain to the local port)', async () => {
    const res = await fetch(`${rig.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(personalMessage(rig, PAT, 'help')),
    });
    expect(res.status).toBe(415);
    expect(rowCounts(rig)).toMatchObject({ tenants: 0, users: 0 });
  });

  test('a body that is not a JSON object is a 400', async () => {
    const res = await fetch(`${rig.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,2' });
    expect(res.status).toBe(400);
  });

  test('a personal install works without any token', async () => {
    const res = await rig.post(installPersonal(rig, CASEY));
    expect(res.status).toBe(200);
    expect(rig.connector.cards()).toHaveLength(1);
  });
});

describe('configuration', () => {
  test('the Bot Framework settings follow the app type', () => {
    expect(botFrameworkSettings({ appType: 'SingleTenant' })).toEqual({});
    expect(botFrameworkSettings(SINGLE_TENANT)).toEqual({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: TENANT,
    });
    // A managed identity has no secret (botbuilder refuses one).
    expect(botFrameworkSettings({ appId: APP_ID, appType: 'UserAssignedMSI', tenantId: TENANT, appPassword: 'stray' })).toEqual({
      MicrosoftAppId: APP_ID,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: TENANT,
    });
    expect(botFrameworkSettings({ appId: APP_ID, appType: 'MultiTenant', appPassword: 's' })).toEqual({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 's',
      MicrosoftAppType: 'MultiTenant',
    });
  });

  test.each([
    ['SingleTenant', SINGLE_TENANT],
    ['UserAssignedMSI', { appId: APP_ID, appType: 'UserAssignedMSI' as const, tenantId: TENANT }],
    ['MultiTenant', { appId: APP_ID, appType: 'MultiTenant' as const, appPassword: 's' }],
  ])('%s starts an authenticated endpoint', (_type, teams) => {
    const core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T13:00:00Z')) });
    try {
      const handle = startTeams({ config: { teams }, core, http: new HttpServer(), logger: { info() {}, warn() {}, error() {}, debug() {} }, local: false });
      expect(handle.authenticated).toBe(true);
    } finally {
      core.close();
    }
  });

  test('an unauthenticated endpoint never starts outside local mode', () => {
    const core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T13:00:00Z')) });
    try {
      expect(() =>
        startTeams({
          config: { teams: { appType: 'SingleTenant' } },
          core,
          http: new HttpServer(),
          logger: { info() {}, warn() {}, error() {}, debug() {} },
          local: false,
        }),
      ).toThrow(/MICROSOFT_APP_ID/);
    } finally {
      core.close();
    }
  });
});
