/**
 * Multi-workspace mode: the OAuth install through /slack/install and /slack/oauth_redirect on the
 * service's server, the installation stored in SQLite, and its bot token used for that workspace.
 */
import { createSlack } from '../../../adapters/slack';
import { HttpServer } from '../../../src/http/server';
import { buildCore } from '../../../src/compose';
import { SettableClock } from '../../../src/core/ports';
import { createRig, sendCommand, type Rig } from './helpers';

describe('Slack OAuth install', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig({ botToken: undefined, clientId: '123.456', clientSecret: 'client-secret', stateSecret: 'state-secret' });
  });
  afterEach(async () => {
    await rig.close();
  });

  async function install(): Promise<Response> {
    const start = await fetch(`${rig.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(location.searchParams.get('client_id')).toBe('123.456');
    expect(location.searchParams.get('scope')).toBe('commands,chat:write,im:write,users:read,im:history');
    const state = location.searchParams.get('state')!;
    const cookie = start.headers.get('set-cookie')!.split(';')[0];
    return fetch(`${rig.baseUrl}/slack/oauth_redirect?code=the-code&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
  }

  it('stores the installation and uses its bot token for that workspace', async () => {
    const done = await install();
    expect(done.status).toBe(200);
    const [exchange] = rig.fake.callsOf('oauth.v2.access');
    expect(exchange.body).toMatchObject({ code: 'the-code', client_id: '123.456', client_secret: 'client-secret' });
    const row = rig.slack.store.installationByKey('T_NEW')!;
    expect(row).toMatchObject({ teamId: 'T_NEW', isEnterpriseInstall: false, botToken: 'xoxb-installed-T_NEW', botUserId: 'U_BOT' });
    // Whoever installed the app is a Touchpoint admin of that workspace (and nobody else is).
    const tenant = rig.core.services.people.ensureTenant('slack', 'T_NEW', rig.clock.now());
    expect(rig.core.services.people.tenantAdmins(tenant.id).map((u) => u.externalId)).toEqual(['U_INSTALLER']);

    // The Notifier takes the token for the recipient's tenant from the store.
    const ref = { userId: 1, tenantExternalId: 'T_NEW', externalId: 'U0ANY', displayName: 'Any' };
    expect(await rig.slack.notifier.send(ref, { text: 'hi', blocks: [] })).toEqual({ status: 'delivered' });
    expect(rig.fake.callsOf('chat.postMessage').map((c) => c.authorization)).toEqual(['Bearer xoxb-installed-T_NEW']);
    expect(await rig.slack.notifier.send({ ...ref, tenantExternalId: 'T_ELSEWHERE' }, { text: 'hi', blocks: [] })).toMatchObject({ status: 'unreachable' });

    // Requests from the installed workspace are authorized with its token; others are not acted on.
    await sendCommand(rig, { team: 'T_NEW', user: 'U0ANY', text: 'help', responseUrl: rig.fake.responseUrl('help') });
    await sendCommand(rig, { team: 'T_ELSEWHERE', user: 'U0ANY', text: 'help', responseUrl: rig.fake.responseUrl('nope') });
    await rig.slack.settled();
    expect(rig.fake.callsOf('users.info').map((c) => c.authorization)).toEqual(['Bearer xoxb-installed-T_NEW']);
    expect(rig.fake.callsOf('response_url').map((c) => c.path)).toEqual(['/response/help']);
  });

  it('cancelling Slack’s consent screen shows a friendly page (200) and installs nothing', async () => {
    const res = await fetch(`${rig.baseUrl}/slack/oauth_redirect?error=access_denied&state=whatever`, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('Installation cancelled — nothing was installed. You can close this tab or try again:');
    expect(html).toContain('<a href="/slack/install">Try again</a>');
    expect(html).not.toMatch(/Oops/);
    expect(rig.fake.callsOf('oauth.v2.access')).toEqual([]);
    expect(rig.slack.store.installationByKey('T_NEW')).toBeUndefined();
  });

  it('refuses a redirect whose state is not from this browser, with a page that says what to do', async () => {
    const res = await fetch(`${rig.baseUrl}/slack/oauth_redirect?code=c&state=forged`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('This install link has expired or was opened in another browser. Nothing was installed.');
    expect(html).toContain('href="/slack/install"');
    expect(rig.fake.callsOf('oauth.v2.access')).toEqual([]);
    expect(rig.slack.store.installationByKey('T_NEW')).toBeUndefined();
  });
});

describe('Slack token rotation', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig({ botToken: undefined, clientId: '123.456', clientSecret: 'client-secret', stateSecret: 'state-secret' });
    rig.fake.rotateTokens = true;
  });
  afterEach(async () => {
    await rig.close();
  });

  /** Makes the stored bot token lapse in a minute (Bolt refreshes one lapsing within two hours). */
  function expireSoon(): void {
    const row = rig.slack.store.installationByKey('T_NEW')!;
    const installation = JSON.parse(row.installation) as { bot: { expiresAt: number } };
    installation.bot.expiresAt = Math.floor(Date.now() / 1000) + 60;
    rig.slack.store.saveInstallation(
      { ...row, installation: JSON.stringify(installation), botTokenExpiresAt: new Date(installation.bot.expiresAt * 1000) },
      rig.clock.now(),
    );
  }

  it('stores the refresh token and expiry, and refreshes a lapsing token before a DM and before handling a request', async () => {
    const start = await fetch(`${rig.baseUrl}/slack/install`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const cookie = start.headers.get('set-cookie')!.split(';')[0];
    await fetch(`${rig.baseUrl}/slack/oauth_redirect?code=c&state=${encodeURIComponent(state)}`, { headers: { cookie }, redirect: 'manual' });
    const installed = rig.slack.store.installationByKey('T_NEW')!;
    expect(JSON.parse(installed.installation)).toMatchObject({ bot: { token: 'xoxb-installed-T_NEW', refreshToken: 'xoxe-1-initial' } });
    expect(installed.botTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);

    // A token good for hours is used as it is.
    const ref = { userId: 1, tenantExternalId: 'T_NEW', externalId: 'U0ANY', displayName: 'Any' };
    expect(await rig.slack.notifier.send(ref, { text: 'hi', blocks: [] })).toEqual({ status: 'delivered' });
    expect(rig.fake.callsOf('oauth.v2.access')).toHaveLength(1);

    // One about to lapse is refreshed first (grant_type=refresh_token), stored, and used.
    expireSoon();
    expect(await rig.slack.notifier.send(ref, { text: 'later', blocks: [] })).toEqual({ status: 'delivered' });
    const refresh = rig.fake.callsOf('oauth.v2.access')[1];
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'xoxe-1-initial', client_id: '123.456' });
    expect(rig.fake.callsOf('chat.postMessage').map((c) => c.authorization)).toEqual(['Bearer xoxb-installed-T_NEW', 'Bearer xoxe.xoxb-refreshed-1']);
    const stored = rig.slack.store.installationByKey('T_NEW')!;
    expect(stored.botToken).toBe('xoxe.xoxb-refreshed-1');
    expect(JSON.parse(stored.installation)).toMatchObject({ bot: { refreshToken: 'xoxe-1-refresh-1' } });
    // Storing the refreshed token does not make anyone an admin again.
    const tenant = rig.core.services.people.ensureTenant('slack', 'T_NEW', rig.clock.now());
    expect(rig.core.services.people.tenantAdmins(tenant.id).map((u) => u.externalId)).toEqual(['U_INSTALLER']);

    // Requests from Slack are authorized through the same installer, which refreshes too.
    expireSoon();
    await sendCommand(rig, { team: 'T_NEW', user: 'U0ANY', text: 'help', responseUrl: rig.fake.responseUrl('help') });
    await rig.slack.settled();
    expect(rig.fake.callsOf('oauth.v2.access')).toHaveLength(3);
    expect(rig.fake.callsOf('users.info').map((c) => c.authorization)).toEqual(['Bearer xoxe.xoxb-refreshed-2']);
  });
});

describe('Slack in Socket Mode', () => {
  it("serves no /slack/events; with OAuth the install routes are still on the service's server", () => {
    const core = buildCore({ databasePath: ':memory:', clock: new SettableClock(new Date('2026-11-23T13:00:00Z')), deliverImmediately: false });
    try {
      const single = createSlack({ config: { appToken: 'xapp-1-test', botToken: 'xoxb-test' }, core, http: new HttpServer() });
      expect(single.mode).toBe('socket');
      expect(single.routes).toEqual([]);
      const multi = createSlack({ config: { appToken: 'xapp-1-test', clientId: '1.2', clientSecret: 's', stateSecret: 'st' }, core, http: new HttpServer() });
      expect(multi).toMatchObject({ mode: 'socket', multiWorkspace: true });
      expect(multi.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /slack/install', 'GET /slack/oauth_redirect']);
      expect(() => createSlack({ config: { appToken: 'xapp-1-test' }, core, http: new HttpServer() })).toThrow(/SLACK_BOT_TOKEN/);
    } finally {
      core.close();
    }
  });
});
