/**
 * What Teams users get stays right across failures and restarts: a DM too large for one message
 * arrives whole and once even when one of its parts failed, and a card sent before a restart is
 * still redrawn whole (its content, the outcome where its buttons were) when its button is pressed.
 */
import { teamsParts } from '../../../adapters/teams/cards';
import { teamsSyntaxOf } from '../../../adapters/teams/syntax';
import { runRetention } from '../../../src/features/operations/commands';
import type { Message } from '../../../src/messages/model';
import type { AdaptiveCard, CardElement, SubmitAction } from '../../../adapters/teams/render-adaptive-card';
import { cardsOf, type ActivityCall, type SentActivity } from '../../support/fake-connector';
import { CASEY, PAT, TENANT, installPersonal, personalChat, personalMessage, seedSchool, startRig, submit, textsOf, type Rig } from './rig';

let rig: Rig;

beforeEach(async () => {
  rig = await startRig();
  seedSchool(rig);
});

afterEach(async () => {
  await rig.close();
});

function tenantId(): number {
  return rig.core.services.people.ensureTenant('teams', TENANT, rig.clock.now()).id;
}

function userId(aad: string): number {
  const u = rig.core.services.people.userByExternalId(tenantId(), aad);
  if (!u) throw new Error(`no user ${aad}`);
  return u.id;
}

function actionsOf(card: AdaptiveCard): SubmitAction[] {
  return card.body.filter((e) => e.type === 'ActionSet').flatMap((e) => (e as CardElement & { actions: SubmitAction[] }).actions);
}

/** What the connector took (answered with an id) in a conversation: what its reader has. */
function received(conversationId: string): ActivityCall[] {
  return rig.connector.activities(conversationId).filter((a) => a.responseId !== undefined);
}

describe('a DM sent in parts, one of which failed', () => {
  const item = (n: number): string => `Item ${String(n).padStart(3, '0')} ${'reading groups and guided practice '.repeat(14)}`.slice(0, 480);
  const LARGE: Message = {
    text: 'Agenda for Tue 24 Nov with Casey Lee',
    blocks: [
      { type: 'header', text: 'Agenda for Tue 24 Nov' },
      { type: 'list', ordered: true, items: Array.from({ length: 100 }, (_, n) => item(n)) },
    ],
  };

  function queueLarge(): number {
    const now = rig.clock.now();
    rig.core.services.outbox.enqueue(
      { tenantId: tenantId(), recipientId: userId(PAT.aadObjectId), kind: 'agenda.compiled', dedupeKey: 'test:large', message: LARGE, dueAt: now },
      now,
    );
    return rig.core.services.outbox.byDedupeKey('test:large')!.id;
  }

  /** The part each activity is, by its continuation line ("1" for the first, which has none). */
  function partNumbers(activities: ActivityCall[]): string[] {
    return activities.map((a) => /\(continued, (\d) of \d\)/.exec(JSON.stringify(a.body))?.[1] ?? '1');
  }

  test('part 2 of 3 fails once: after the retry Pat has parts 1, 2 and 3 exactly once each, every item once', async () => {
    expect(teamsParts(LARGE, { place: 'personal', syntax: teamsSyntaxOf(rig.core.app.registry) })).toHaveLength(3);
    await rig.post(installPersonal(rig, PAT));
    const id = queueLarge();
    rig.connector.clear();
    rig.connector.script.push({ status: 200 }, { status: 503 });

    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 0, retried: 1 });
    expect(partNumbers(received(personalChat(PAT)))).toEqual(['1']);
    const row = rig.core.services.outbox.byId(id)!;
    expect(row).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/503/) as string });

    rig.clock.set(row.nextAttemptAt);
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    expect(rig.core.services.outbox.byId(id)!.status).toBe('sent');
    const parts = received(personalChat(PAT));
    expect(partNumbers(parts)).toEqual(['1', '2', '3']);
    const items = parts.flatMap((a) => [...JSON.stringify(cardsOf(a.body)).matchAll(/Item (\d{3}) /g)].map((m) => Number(m[1])));
    expect(items).toEqual(Array.from({ length: 100 }, (_, n) => n));
    // Recorded by the activity ids Teams gave them.
    expect([...rig.core.platformStores.outboxParts.ofRow(id).values()]).toEqual(parts.map((p) => p.responseId));
  });

  test('after a restart too: the parts delivered before it are not sent again', async () => {
    await rig.post(installPersonal(rig, PAT));
    const id = queueLarge();
    rig.connector.clear();
    rig.connector.script.push({ status: 200 }, { status: 429, headers: { 'retry-after': '5' } });
    await rig.core.dispatcher.dispatchDue();
    await rig.restart();
    rig.clock.set(rig.core.services.outbox.byId(id)!.nextAttemptAt);
    await rig.core.dispatcher.dispatchDue();
    expect(partNumbers(received(personalChat(PAT)))).toEqual(['1', '2', '3']);
  });
});

describe('a card sent before a restart', () => {
  /** Pat proposes to Casey; the proposal DM (its activity call) reaches Casey's personal chat. */
  async function proposalToCasey(): Promise<ActivityCall> {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(personalMessage(rig, PAT, 'book Casey Lee weekly tue 14:00'));
    rig.connector.clear();
    await rig.core.dispatcher.dispatchDue();
    const [dm] = rig.connector.activities(personalChat(CASEY));
    return dm;
  }

  function cardCount(): number {
    return (rig.core.db.prepare('SELECT COUNT(*) AS n FROM teams_cards').get() as { n: number }).n;
  }

  test('is redrawn with its content and the outcome line, no buttons, when its button is pressed after the restart', async () => {
    const dm = await proposalToCasey();
    const original = cardsOf(dm.body)[0];
    const accept = actionsOf(original).find((a) => a.title === 'Accept')!;
    await rig.restart();
    rig.connector.clear();

    await rig.post(submit(rig, CASEY, accept.data, undefined, dm.responseId));

    const [update] = rig.connector.updates(personalChat(CASEY));
    expect(update).toMatchObject({ method: 'PUT', activityId: dm.responseId });
    const settled = cardsOf(update.body as SentActivity)[0];
    expect(textsOf(settled)).toEqual([...textsOf(original), '✓ Accepted by Casey Lee, Mon 23 Nov']);
    expect(textsOf(settled)[0]).toBe('Touch-point proposal');
    expect(actionsOf(settled)).toEqual([]);
  });

  test('a reply card with buttons is kept too, under who asked for it', async () => {
    await rig.post(personalMessage(rig, PAT, 'book Casey Lee weekly tue 14:00'));
    await rig.post(installPersonal(rig, CASEY));
    const before = cardCount();
    rig.connector.clear();
    // Casey asks for what waits for them: the reply carries the proposal's Accept / Decline.
    await rig.post(personalMessage(rig, CASEY, 'next'));
    const withButtons = rig.connector.activities(personalChat(CASEY)).filter((a) => actionsOf(cardsOf(a.body)[0] ?? ({ body: [] } as never)).length > 0);
    const rows = rig.core.db.prepare('SELECT user_id, outbox_id FROM teams_cards WHERE conversation_id = ?').all(personalChat(CASEY)) as {
      user_id: number;
      outbox_id: number | null;
    }[];
    expect(withButtons.length).toBeGreaterThan(0);
    expect(cardCount() - before).toBe(withButtons.length);
    for (const r of rows.slice(-withButtons.length)) expect(r).toEqual({ user_id: userId(CASEY.aadObjectId), outbox_id: null });
  });

  test('kept for 30 days: the daily retention deletes older cards, which a press then leaves as they are', async () => {
    const dm = await proposalToCasey();
    const accept = actionsOf(cardsOf(dm.body)[0]).find((a) => a.title === 'Accept')!;
    expect(cardCount()).toBe(1);
    runRetention(rig.core.registry, rig.core.services, new Date(rig.clock.now().getTime() + 29 * 86_400_000), 400);
    expect(cardCount()).toBe(1);
    runRetention(rig.core.registry, rig.core.services, new Date(rig.clock.now().getTime() + 31 * 86_400_000), 400);
    expect(cardCount()).toBe(0);

    await rig.restart();
    rig.connector.clear();
    await rig.post(submit(rig, CASEY, accept.data, undefined, dm.responseId));
    expect(rig.connector.updates(personalChat(CASEY))).toEqual([]);
  });

  test('forget-me erases the cards sent to the person, the cards naming them, and the record of their DMs’ parts', async () => {
    const dm = await proposalToCasey();
    const [casey, pat] = [userId(CASEY.aadObjectId), userId(PAT.aadObjectId)];
    const [row] = rig.core.services.outbox.forRecipient(casey);
    expect(rig.core.platformStores.outboxParts.ofRow(row.id).size).toBe(1);
    const card = (text: string): Message => ({
      text,
      blocks: [
        { type: 'text', text },
        { type: 'actions', buttons: [{ actionId: 'x.y', label: 'OK', value: '1' }] },
      ],
    });
    const cards = rig.core.platformStores.teamsCards;
    cards.save(
      { conversationId: personalChat(PAT), activityId: 'naming', tenantId: tenantId(), userId: pat, message: card('Casey Lee accepted.') },
      rig.clock.now(),
    );
    cards.save(
      { conversationId: personalChat(PAT), activityId: 'other', tenantId: tenantId(), userId: pat, message: card('Taylor Morgan accepted.') },
      rig.clock.now(),
    );

    rig.core.services.transaction(() => rig.core.services.erasure.begin(tenantId(), casey, 'everything', rig.clock.now()));
    rig.core.erasures.drain();

    expect(cards.find(personalChat(CASEY), dm.responseId!)).toBeUndefined();
    expect(cards.find(personalChat(PAT), 'naming')).toBeUndefined();
    expect(cards.find(personalChat(PAT), 'other')).toEqual(card('Taylor Morgan accepted.'));
    expect(rig.core.platformStores.outboxParts.ofRow(row.id).size).toBe(0);
  });
});
