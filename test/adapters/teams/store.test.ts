/** The Teams conversation references in SQLite (src/store/teams.ts, migration 0005). */
import { buildCore, type Core } from '../../../src/compose';
import { SettableClock } from '../../../src/core/ports';
import { TeamsConversationRepository } from '../../../src/store/teams';

let core: Core;
let repo: TeamsConversationRepository;
const clock = new SettableClock(new Date('2026-11-23T13:00:00Z'));

beforeEach(() => {
  core = buildCore({ databasePath: ':memory:', clock });
  repo = new TeamsConversationRepository(core.db);
});
afterEach(() => core.close());

function person(tenant: string, key: string) {
  const t = core.services.people.ensureTenant('teams', tenant, clock.now());
  const u = core.services.people.ensureUser(t.id, key, clock.now(), key);
  return { tenantId: t.id, userId: u.id };
}

const ref = (conversation: string) => ({ conversation: { id: conversation }, serviceUrl: 'https://smba.example/amer/', channelId: 'msteams' });

test('one reference per user and scope, replaced on save, personal first', () => {
  const a = person('t1', 'aad-a');
  repo.save(
    { ...a, scope: 'channel', conversationId: '19:c', channelUserId: '29:a', serviceUrl: 'https://smba.example/amer/', reference: ref('19:c') },
    clock.now(),
  );
  repo.save(
    { ...a, scope: 'personal', conversationId: 'a:1', channelUserId: '29:a', serviceUrl: 'https://smba.example/amer/', reference: ref('a:1') },
    clock.now(),
  );
  repo.save(
    { ...a, scope: 'personal', conversationId: 'a:2', channelUserId: '29:a', serviceUrl: 'https://smba.example/amer/', reference: ref('a:2') },
    clock.now(),
  );
  expect(repo.ofUser(a.tenantId, a.userId).map((c) => [c.scope, c.conversationId, (c.reference.conversation as { id: string }).id])).toEqual([
    ['personal', 'a:2', 'a:2'],
    ['channel', '19:c', '19:c'],
  ]);
  expect(repo.ofRecipient('t1', a.userId)).toHaveLength(2);
});

test('every lookup is scoped by tenant', () => {
  const a = person('t1', 'aad-a');
  const b = person('t2', 'aad-a');
  repo.save({ ...a, scope: 'personal', conversationId: 'a:1', channelUserId: '29:a', serviceUrl: 'https://x/', reference: ref('a:1') }, clock.now());
  expect(repo.ofRecipient('t2', a.userId)).toEqual([]);
  expect(repo.ofUser(b.tenantId, a.userId)).toEqual([]);
  expect(repo.externalIdOfChannelUser('t1', '29:a')).toBe('aad-a');
  expect(repo.externalIdOfChannelUser('t2', '29:a')).toBeUndefined();
});

test('a user known by their Teams id takes their AAD id, unless it is already someone', () => {
  const t = core.services.people.ensureTenant('teams', 't1', clock.now());
  const byTeamsId = core.services.people.ensureUser(t.id, '29:riley', clock.now(), 'Riley');
  expect(repo.adoptAadObjectId(t.id, '29:riley', 'aad-riley')).toBe(true);
  expect(core.services.people.userByExternalId(t.id, 'aad-riley')?.id).toBe(byTeamsId.id);
  core.services.people.ensureUser(t.id, '29:sam', clock.now(), 'Sam');
  core.services.people.ensureUser(t.id, 'aad-sam', clock.now(), 'Sam');
  expect(repo.adoptAadObjectId(t.id, '29:sam', 'aad-sam')).toBe(false);
});

test('references go with their user (forget-me) and are forgotten on request', () => {
  const a = person('t1', 'aad-a');
  repo.save({ ...a, scope: 'personal', conversationId: 'a:1', channelUserId: '29:a', serviceUrl: 'https://x/', reference: ref('a:1') }, clock.now());
  expect(repo.remove(a.tenantId, a.userId, 'personal')).toBe(true);
  expect(repo.ofUser(a.tenantId, a.userId)).toEqual([]);
  repo.save({ ...a, scope: 'personal', conversationId: 'a:1', channelUserId: '29:a', serviceUrl: 'https://x/', reference: ref('a:1') }, clock.now());
  core.db.prepare('DELETE FROM users WHERE id = ?').run(a.userId);
  expect((core.db.prepare('SELECT COUNT(*) AS n FROM teams_conversations').get() as { n: number }).n).toBe(0);
});
