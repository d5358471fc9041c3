/**
 * Enterprise Grid with one workspace per school: the tenant is the org (enterprise id), and every
 * send goes with the installation of the recipient's own workspace — a Lincoln coach's DM with
 * Lincoln's bot token, Washington's with Washington's.
 */
import type { Installation } from '@slack/bolt';
import type { Role } from '../../../src/core/model';
import { createRig, responsesTo, sendCommand, type Rig } from './helpers';

const ORG = 'E0DISTRICT';
const SCHOOLS = [
  { team: 'T0LINCOLN', name: 'Lincoln Elementary', token: 'xoxb-lincoln', principal: 'U0LPRIN', coach: 'U0LCOACH' },
  { team: 'T0WASH', name: 'Washington Elementary', token: 'xoxb-washington', principal: 'U0WPRIN', coach: 'U0WCOACH' },
];

function install(team: string, token: string, expiresAt?: number): Installation<'v2', false> {
  return {
    team: { id: team, name: team },
    enterprise: { id: ORG, name: 'District' },
    user: { id: 'U0ADMIN', token: undefined, scopes: undefined },
    bot: { id: `B${team}`, userId: `U_BOT_${team}`, token, scopes: ['commands'], ...(expiresAt ? { refreshToken: `xoxe-1-${team}`, expiresAt } : {}) },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A_TOUCHPOINT',
    authVersion: 'v2',
  };
}

describe('Slack on Enterprise Grid', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await createRig({ botToken: undefined, clientId: '123.456', clientSecret: 'client-secret', stateSecret: 'state-secret' });
    const now = rig.clock.now();
    const { people } = rig.core.services;
    const tenant = people.ensureTenant('slack', ORG, now);
    for (const s of SCHOOLS) {
      await rig.slack.installations!.storeInstallation(install(s.team, s.token));
      rig.fake.tokenTeams.set(s.token, s.team);
      const members: [string, string, Role][] = [
        [s.principal, `Principal of ${s.name}`, 'principal'],
        [s.coach, `Coach of ${s.name}`, 'coach'],
      ];
      const creator = people.ensureUser(tenant.id, s.principal, now, members[0][1]);
      const school = people.createSchool(
        tenant.id,
        { name: s.name, timeZone: 'America/New_York', dayStart: '07:30', dayEnd: '15:30', createdBy: creator.id },
        now,
      );
      for (const [id, name, role] of members) {
        const u = people.ensureUser(tenant.id, id, now, name);
        people.addMembership(tenant.id, school.id, u.id, role, now);
        rig.fake.users.set(id, { name: id.toLowerCase(), realName: name, team: s.team });
      }
    }
  });
  afterEach(async () => {
    await rig.close();
  });

  it("each school's proposal DM goes with its own workspace's bot token", async () => {
    for (const s of SCHOOLS) {
      await sendCommand(rig, {
        team: s.team,
        enterprise: ORG,
        user: s.principal,
        text: `book <@${s.coach}> weekly tue 14:00`,
        responseUrl: rig.fake.responseUrl(s.team),
      });
    }
    await rig.slack.settled();
    for (const s of SCHOOLS) expect(String(responsesTo(rig, s.team)[0].body.text)).toMatch(/^Proposed to Coach of/);
    // (Washington's install is the more recent: the old rule sent everything with its token.)
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 2 });

    const sent = rig.fake.callsOf('chat.postMessage').map((c) => [c.body.channel, c.authorization]);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['DU0LCOACH', 'Bearer xoxb-lincoln'],
        ['DU0WCOACH', 'Bearer xoxb-washington'],
      ]),
    );
    expect(sent).toHaveLength(2);
    const opened = rig.fake.callsOf('conversations.open').map((c) => [c.body.users, c.authorization]);
    expect(opened).toEqual(
      expect.arrayContaining([
        ['U0LCOACH', 'Bearer xoxb-lincoln'],
        ['U0WCOACH', 'Bearer xoxb-washington'],
      ]),
    );
  });

  it('someone never seen is looked up (users.info) rather than sent a guess with another school’s token', async () => {
    const tenant = rig.core.services.people.ensureTenant('slack', ORG, rig.clock.now());
    const stranger = rig.core.services.people.ensureUser(tenant.id, 'U0NEW', rig.clock.now(), 'New Person');
    const ref = { userId: stranger.id, tenantExternalId: ORG, externalId: 'U0NEW', displayName: 'New Person' };
    // Slack does not know them either: nothing is sent, and the DM is tried again later.
    expect(await rig.slack.notifier.send(ref, { text: 'hi', blocks: [] })).toMatchObject({ status: 'retry' });
    expect(rig.fake.callsOf('chat.postMessage')).toEqual([]);

    // Once Slack knows them (a Washington teacher), Washington's token reaches them, and that is remembered.
    rig.fake.users.set('U0NEW', { name: 'new', realName: 'New Person', team: 'T0WASH' });
    expect(await rig.slack.notifier.send(ref, { text: 'hi', blocks: [] })).toEqual({ status: 'delivered' });
    expect(await rig.slack.notifier.send(ref, { text: 'again', blocks: [] })).toEqual({ status: 'delivered' });
    expect(rig.fake.callsOf('chat.postMessage').map((c) => c.authorization)).toEqual(['Bearer xoxb-washington', 'Bearer xoxb-washington']);
    expect(rig.fake.callsOf('users.info').filter((c) => c.body.user === 'U0NEW')).toHaveLength(2);
  });

  it('a person who acts from another workspace is reached there from then on', async () => {
    await sendCommand(rig, { team: 'T0WASH', enterprise: ORG, user: 'U0LCOACH', text: 'help', responseUrl: rig.fake.responseUrl('help') });
    await rig.slack.settled();
    const tenant = rig.core.services.people.ensureTenant('slack', ORG, rig.clock.now());
    const coach = rig.core.services.people.userByExternalId(tenant.id, 'U0LCOACH')!;
    const ref = { userId: coach.id, tenantExternalId: ORG, externalId: 'U0LCOACH', displayName: coach.displayName };
    expect(await rig.slack.notifier.send(ref, { text: 'hi', blocks: [] })).toEqual({ status: 'delivered' });
    expect(rig.fake.callsOf('chat.postMessage').map((c) => c.authorization)).toEqual(['Bearer xoxb-washington']);
  });
});
