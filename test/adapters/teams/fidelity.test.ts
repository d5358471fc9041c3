/**
 * Teams behaves the way its users expect, end to end against the fake Bot Connector: help and
 * hints in the words a Teams user types, used buttons replaced by their outcome, and messages
 * too large for one Teams message delivered in parts.
 */
import type { AdaptiveCard, CardElement, SubmitAction } from '../../../adapters/teams/render-adaptive-card';
import { inTeamsWords, teamsSyntaxOf } from '../../../adapters/teams/syntax';
import { teamsSize } from '../../../adapters/teams/split';
import { PRIVATE_IN_CHANNEL } from '../../../adapters/teams/bot';
import { cardsOf, type ActivityCall, type SentActivity } from '../../support/fake-connector';
import { CASEY, PAT, TENANT, channelMessage, installPersonal, personalChat, personalMessage, seedSchool, startRig, submit, textsOf, type Rig } from './rig';

let rig: Rig;

beforeEach(async () => {
  rig = await startRig();
  seedSchool(rig);
});

afterEach(async () => {
  await rig.close();
});

const CHANNEL_CONVERSATION = '19:general@thread.tacv2;messageid=1700000000000';

function tenantId(): number {
  return rig.core.services.people.ensureTenant('teams', TENANT, rig.clock.now()).id;
}

function userId(aad: string): number {
  const u = rig.core.services.people.userByExternalId(tenantId(), aad);
  if (!u) throw new Error(`no user ${aad}`);
  return u.id;
}

/** The plain text (summary) of the last thing the bot said in a conversation. */
function lastSaid(conversationId: string): string {
  const sent = rig.connector.activities(conversationId);
  if (sent.length === 0) throw new Error(`nothing said in ${conversationId}`);
  const summary = sent[sent.length - 1].body.summary;
  return typeof summary === 'string' ? summary : '';
}

function actionsOf(card: AdaptiveCard): SubmitAction[] {
  return card.body.filter((e) => e.type === 'ActionSet').flatMap((e) => (e as CardElement & { actions: SubmitAction[] }).actions);
}

/** Pat proposes to Casey; the proposal DM (its activity call) reaches Casey's personal chat. */
async function proposalToCasey(): Promise<ActivityCall> {
  await rig.post(installPersonal(rig, CASEY));
  await rig.post(personalMessage(rig, PAT, 'book Casey Lee weekly tue 14:00'));
  rig.connector.clear();
  await rig.core.dispatcher.dispatchDue();
  const [dm] = rig.connector.activities(personalChat(CASEY));
  return dm;
}

describe('help, usage lines and hints read the way a Teams user types', () => {
  test('help in a personal chat: no slash, touch-point commands bare, people by name', async () => {
    await rig.post(personalMessage(rig, PAT, 'help'));
    const said = lastSaid(personalChat(PAT));
    expect(said.split('\n')[0]).toBe('Touchpoint commands:');
    expect(said).toContain('\nbook <person> weekly|biweekly <weekday> <HH:MM>');
    expect(said).toContain('\nagenda [edit #<n> <text> | remove #<n>]');
    const sent = JSON.stringify(rig.connector.activities(personalChat(PAT)).map((a) => a.body));
    expect(sent).toContain('Type a command with no arguments to get a form, e.g. book.');
    expect(sent).not.toMatch(/\/touchpoint|\/coaching|@person/);

    await rig.post(personalMessage(rig, PAT, 'coaching help'));
    expect(lastSaid(personalChat(PAT))).toContain('\ncoaching request');
  });

  test('every command help lists, typed as help writes its example, is one the bot runs', async () => {
    await rig.post(installPersonal(rig, CASEY));
    const syntax = teamsSyntaxOf(rig.core.app.registry);
    const refusedAsUnknown: string[] = [];
    for (const spec of rig.core.app.registry.list()) {
      const typed = inTeamsWords(`/${spec.root} ${spec.example}`, 'personal', syntax);
      expect(typed).not.toMatch(/^\//);
      await rig.post(personalMessage(rig, PAT, typed));
      const said = lastSaid(personalChat(PAT));
      if (/is not a .*command|^Usage:|\nUsage:/.test(said)) refusedAsUnknown.push(`${typed} → ${said}`);
    }
    expect(refusedAsUnknown).toEqual([]);
  });

  test('hints and usage lines: bare in a personal chat, "@Touchpoint …" with @mentions in a channel', async () => {
    await rig.post(personalMessage(rig, CASEY, 'next'));
    const hint = lastSaid(personalChat(CASEY));
    expect(hint).toContain('book <name> weekly tue 14:00');
    expect(hint).not.toContain('/touchpoint');

    await rig.post(personalMessage(rig, PAT, 'book Casey Lee fortnightly tue 14:00'));
    expect(lastSaid(personalChat(PAT))).toMatch(/\nUsage: book <person> weekly\|biweekly <weekday> <HH:MM>/);

    await rig.post(channelMessage(rig, PAT, 'book <at>Casey Lee</at> fortnightly tue 14:00', [CASEY]));
    expect(lastSaid(CHANNEL_CONVERSATION)).toMatch(/\nUsage: @Touchpoint book @person weekly\|biweekly <weekday> <HH:MM>/);
  });

  test('in a channel, help lists only what runs there and says the rest work in a personal chat', async () => {
    await rig.post(channelMessage(rig, PAT, 'help'));
    const said = lastSaid(CHANNEL_CONVERSATION);
    const listed = said
      .split('\n')
      .filter((l) => l.startsWith('@Touchpoint '))
      .map((l) => l.split(' ')[1]);
    const safe = rig.core.app.registry
      .list('touchpoint')
      .filter((s) => s.visibility === 'channel-safe' && s.name !== 'help')
      .map((s) => s.name);
    expect(listed).toEqual(safe);
    expect(listed).not.toContain('agenda');
    expect(said).toMatch(/The other commands \(.*agenda.*\) answer with what is yours alone, so they work in a personal chat with me\./);

    // Each one listed is taken in the channel, not refused as private.
    for (const name of listed) {
      rig.connector.clear();
      await rig.post(channelMessage(rig, PAT, name));
      expect(lastSaid(CHANNEL_CONVERSATION)).not.toBe(PRIVATE_IN_CHANNEL.text);
    }
  });

  test('the welcome card and help agree: the welcome says "help", and "help" answers', async () => {
    await rig.post(installPersonal(rig, CASEY));
    expect(lastSaid(personalChat(CASEY))).toContain('Type help to see the commands.');
    await rig.post(personalMessage(rig, CASEY, 'help'));
    expect(textsOf(cardsOf(rig.connector.activities(personalChat(CASEY)).at(-1)!.body)[0])[0]).toBe('Touchpoint commands');
  });
});

describe('a used button is replaced by its outcome', () => {
  test('after Accept the proposal card is updated: no buttons, "✓ Accepted by Casey Lee, Mon 23 Nov"; the answer is still sent', async () => {
    const dm = await proposalToCasey();
    const accept = actionsOf(cardsOf(dm.body)[0]).find((a) => a.title === 'Accept')!;
    rig.connector.clear();

    await rig.post(submit(rig, CASEY, accept.data, undefined, dm.responseId));

    const [update] = rig.connector.updates(personalChat(CASEY));
    expect(update).toMatchObject({ method: 'PUT', activityId: dm.responseId });
    const settled = cardsOf(update.body as SentActivity)[0];
    expect(textsOf(settled)[0]).toBe('Touch-point proposal');
    expect(textsOf(settled).at(-1)).toBe('✓ Accepted by Casey Lee, Mon 23 Nov');
    expect(actionsOf(settled)).toEqual([]);
    expect(lastSaid(personalChat(CASEY))).toMatch(/^Booked with Pat Rivera/);
  });

  test('a refused press leaves the card as it is', async () => {
    const dm = await proposalToCasey();
    const [accept, decline] = actionsOf(cardsOf(dm.body)[0]);
    await rig.post(submit(rig, CASEY, accept.data, undefined, dm.responseId));
    rig.connector.clear();

    // A second card of the same proposal, pressed after it was answered: refused, not updated.
    await rig.post(submit(rig, CASEY, decline.data, undefined, 'activity-elsewhere'));
    expect(rig.connector.updates()).toEqual([]);
    expect(rig.core.services.series.liveSeriesOfUser(tenantId(), userId(CASEY.aadObjectId))[0].status).toBe('active');
  });

  test('a card not kept (unknown, or older than a month) is left as it is, not redrawn without its content; the answer still comes', async () => {
    const dm = await proposalToCasey();
    const accept = actionsOf(cardsOf(dm.body)[0]).find((a) => a.title === 'Accept')!;
    rig.connector.clear();
    await rig.post(submit(rig, CASEY, accept.data, undefined, 'activity-not-kept'));
    expect(rig.connector.updates(personalChat(CASEY))).toEqual([]);
    expect(rig.connector.cards(personalChat(CASEY)).flatMap(textsOf).join('\n')).toMatch(/^Booked with Pat Rivera/m);
  });
});

describe('a message too large for one Teams message is delivered in parts', () => {
  const LIMIT = 80 * 1024;
  const itemText = (n: number): string => `Item ${String(n).padStart(2, '0')} ${'reading groups and guided practice '.repeat(14)}`.slice(0, 480);

  async function booked(): Promise<void> {
    const dm = await proposalToCasey();
    const accept = actionsOf(cardsOf(dm.body)[0]).find((a) => a.title === 'Accept')!;
    await rig.post(submit(rig, CASEY, accept.data, undefined, dm.responseId));
  }

  async function eightyItems(): Promise<void> {
    await booked();
    for (let n = 0; n < 80; n++) {
      await rig.post(personalMessage(rig, PAT, `add wins ${itemText(n)}`));
      expect(lastSaid(personalChat(PAT))).toMatch(/^Added/);
    }
    rig.connector.clear();
  }

  /** Which items each activity carries, by number. */
  function itemsIn(activities: ActivityCall[]): number[] {
    return activities.flatMap((a) => [...JSON.stringify(cardsOf(a.body)).matchAll(/Item (\d\d) /g)].map((m) => Number(m[1])));
  }

  test('the agenda asked for in a chat comes in parts under 80 KB, every item once, in order', async () => {
    await eightyItems();
    await rig.post(personalMessage(rig, PAT, 'agenda'));
    const parts = rig.connector.activities(personalChat(PAT));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(teamsSize(part.body)).toBeLessThan(LIMIT);
    expect(itemsIn(parts)).toEqual(Array.from({ length: 80 }, (_, n) => n));
    parts.slice(1).forEach((part, i) => expect(textsOf(cardsOf(part.body)[0])[0]).toBe(`(continued, ${i + 2} of ${parts.length})`));
  });

  test('the compiled agenda DM is sent in parts, delivered once (no retries)', async () => {
    await eightyItems();
    const [row] = rig.core.services.outbox.forRecipient(userId(PAT.aadObjectId)).filter((r) => r.kind === 'agenda.compiled' && r.status === 'pending');
    rig.clock.set(row.dueAt);
    rig.connector.clear();
    await rig.core.dispatcher.dispatchDue();

    const after = rig.core.services.outbox.forRecipient(userId(PAT.aadObjectId)).find((r) => r.id === row.id)!;
    expect(after).toMatchObject({ status: 'sent', attempts: 1 });
    const parts = rig.connector.activities(personalChat(PAT)).filter((a) => /Item \d\d /.test(JSON.stringify(a.body)));
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(teamsSize(part.body)).toBeLessThan(LIMIT);
    expect(itemsIn(parts)).toEqual(Array.from({ length: 80 }, (_, n) => n));
  });

  test('Teams refusing a message as too large (413) is not retried: given up once, with one clear error line', async () => {
    await booked();
    await rig.post(personalMessage(rig, PAT, 'add wins A short item'));
    const [row] = rig.core.services.outbox.forRecipient(userId(PAT.aadObjectId)).filter((r) => r.kind === 'agenda.compiled' && r.status === 'pending');
    // Everything due before it goes first, so the compiled agenda is the one Teams refuses.
    rig.clock.set(new Date(row.dueAt.getTime() - 1));
    await rig.core.dispatcher.dispatchDue();
    rig.clock.set(row.dueAt);
    rig.connector.script.push({ status: 413, body: { error: { code: 'MessageSizeTooBig', message: 'Message size too big' } } });
    await rig.core.dispatcher.dispatchDue();
    const after = rig.core.services.outbox.forRecipient(userId(PAT.aadObjectId)).find((r) => r.id === row.id)!;
    expect(after).toMatchObject({ status: 'dead', attempts: 1, lastError: expect.stringMatching(/^rejected: .*413/) as string });
    expect(rig.core.services.people.unreachable(tenantId(), userId(PAT.aadObjectId))).toBeUndefined();
    expect(rig.logger.at('error').map((e) => e.msg)).toContain('Teams refused the DM as too large (413); not retried, since the same message cannot succeed');
  });
});
