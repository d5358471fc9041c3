/**
 * The Teams adapter end to end in local (Emulator) mode: real botbuilder CloudAdapter on the
 * service's HttpServer, the real core on SQLite, real activities over HTTP, and a fake Bot
 * Connector recording what the bot sent.
 */
import { NO_CONVERSATION } from '../../../adapters/teams/notifier';
import type { AdaptiveCard, CardElement, SubmitAction } from '../../../adapters/teams/render-adaptive-card';
import { cardsOf } from '../../support/fake-connector';
import {
  CASEY,
  CHANNEL,
  DREW,
  JORDAN,
  PAT,
  TAYLOR,
  TENANT,
  channelMessage,
  installInTeam,
  installPersonal,
  personalChat,
  personalMessage,
  seedSchool,
  startRig,
  submit,
  textsOf,
  type Rig,
} from './rig';

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

function seriesBetween(aad: string) {
  return rig.core.services.series.liveSeriesOfUser(tenantId(), userId(aad));
}

function lastCard(conversationId?: string) {
  const cards = rig.connector.cards(conversationId);
  if (cards.length === 0) throw new Error('the bot sent no card');
  return cards[cards.length - 1];
}

/** The first button of the card's ActionSet. */
function firstAction(card: AdaptiveCard): SubmitAction {
  const set = card.body.find((e) => e.type === 'ActionSet') as (CardElement & { actions: SubmitAction[] }) | undefined;
  if (!set) throw new Error('the card has no buttons');
  return set.actions[0];
}

/** The choices of the card's choice-set input with this id. */
function choicesOf(card: AdaptiveCard, id: string): { title: string; value: string }[] {
  const input = card.body.find((e) => e.id === id) as (CardElement & { choices: { title: string; value: string }[] }) | undefined;
  if (!input) throw new Error(`the card has no input ${id}`);
  return input.choices;
}

describe('installing and talking to the bot', () => {
  test('a personal install stores the conversation reference whole and welcomes the user', async () => {
    const res = await rig.post(installPersonal(rig, CASEY));
    expect(res.status).toBe(200);
    const stored = rig.teams.conversations.ofUser(tenantId(), userId(CASEY.aadObjectId));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ scope: 'personal', conversationId: personalChat(CASEY), channelUserId: CASEY.id, serviceUrl: rig.connector.url });
    expect(stored[0].reference).toMatchObject({
      channelId: 'msteams',
      serviceUrl: rig.connector.url,
      bot: { id: '28:touchpoint-bot' },
      user: { id: CASEY.id, aadObjectId: CASEY.aadObjectId },
      conversation: { id: personalChat(CASEY), tenantId: TENANT },
    });
    expect(textsOf(lastCard(personalChat(CASEY)))[0]).toBe('Welcome to Touchpoint');
  });

  test('adding the app to a team stores a channel reference and posts nothing', async () => {
    const res = await rig.post(installInTeam(rig, PAT));
    expect(res.status).toBe(200);
    expect(rig.teams.conversations.ofUser(tenantId(), userId(PAT.aadObjectId)).map((c) => c.scope)).toEqual(['channel']);
    // Only the roster is read (this team has none to give): nothing is posted.
    expect(rig.connector.calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET /v3/conversations/${encodeURIComponent(CHANNEL)}/pagedmembers`]);
  });

  test('the team’s roster makes its staff known before they speak: a principal names a coach who never wrote to the bot', async () => {
    rig.connector.rosters.set(CHANNEL, [
      { id: PAT.id, aadObjectId: PAT.aadObjectId, name: PAT.name },
      { id: '29:megan', aadObjectId: 'aad-megan', name: 'Megan Bowen' },
      { id: '29:lee', aadObjectId: 'aad-lee', name: 'Lee Gu' },
    ]);
    await rig.post(installInTeam(rig, PAT));
    const megan = rig.core.services.people.userByExternalId(tenantId(), 'aad-megan');
    expect(megan).toMatchObject({ displayName: 'Megan Bowen' });
    expect(rig.core.services.people.userByExternalId(tenantId(), 'aad-lee')).toMatchObject({ displayName: 'Lee Gu' });
    rig.connector.clear();

    await rig.post(personalMessage(rig, PAT, 'coach add Megan Bowen'));
    expect(textsOf(lastCard(personalChat(PAT)))[0]).toBe('Asked Megan Bowen to be coach at Demo Elementary.');
    // Her invitation opens a 1:1 chat through the team's reference.
    await rig.core.dispatcher.dispatchDue();
    const created = rig.connector.calls.filter((c) => c.kind === 'create');
    expect(created).toHaveLength(1);
    expect(created[0].body).toMatchObject({ members: [{ id: '29:megan' }] });
    // …and the invitation goes there, not to anyone else's chat.
    const personal = rig.teams.conversations.ofUser(tenantId(), megan!.id).find((c) => c.scope === 'personal')!;
    const delivered = rig.connector.calls.filter((c) => c.kind === 'send' || c.kind === 'reply');
    // Pat's reply in Pat's chat, then the invitation in Megan's new chat.
    expect(delivered.map((c) => c.conversationId)).toEqual([personalChat(PAT), personal.conversationId]);
    expect(rig.teams.conversations.ofUser(tenantId(), megan!.id).find((c) => c.scope === 'personal')?.reference).toMatchObject({ user: { id: '29:megan' } });
  });

  test('a command in a channel, with a mention, books; the reply is a card in the channel; the proposal reaches the invitee as a DM', async () => {
    await rig.post(installPersonal(rig, CASEY));
    rig.connector.clear();

    const res = await rig.post(channelMessage(rig, PAT, 'touchpoint book <at>Casey Lee</at> weekly tue 14:00', [CASEY]));
    expect(res.status).toBe(200);

    // The reply went to the channel conversation, as a reply to the message.
    const replies = rig.connector.activities(`${CHANNEL};messageid=1700000000000`);
    expect(replies).toHaveLength(1);
    expect(replies[0].kind).toBe('reply');
    const card = cardsOf(replies[0].body)[0];
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(textsOf(card)[0]).toBe(
      'Proposed to Casey Lee: weekly on Tuesdays, 14:00–14:30, first on Tue 24 Nov 2026, 14:00–14:30 EST. They can accept or decline.',
    );

    // The row: a proposed series between Pat and the Casey the mention named (AAD id learned at install).
    const series = seriesBetween(CASEY.aadObjectId);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ status: 'proposed', weekday: 2, time: '14:00', cadence: 'weekly', proposedBy: userId(PAT.aadObjectId) });

    // The outbox delivers the proposal to Casey's personal chat through the stored reference.
    const report = await rig.core.dispatcher.dispatchDue();
    expect(report.sent).toBe(1);
    const dm = rig.connector.activities(personalChat(CASEY));
    expect(dm).toHaveLength(1);
    const proposal = cardsOf(dm[0].body)[0];
    expect(textsOf(proposal)[0]).toBe('Touch-point proposal');
    expect(proposal.body).toContainEqual({
      type: 'ActionSet',
      actions: [
        { type: 'Action.Submit', title: 'Accept', data: { tp: 'action', actionId: 'booking.accept', value: String(series[0].id) }, style: 'positive' },
        { type: 'Action.Submit', title: 'Decline', data: { tp: 'action', actionId: 'booking.decline', value: String(series[0].id) }, style: 'destructive' },
      ],
    });
    expect(dm[0].body).toMatchObject({ type: 'message', recipient: { id: CASEY.id }, conversation: { id: personalChat(CASEY) } });
  });

  test('in a channel, commands whose answers are private are refused and nothing private is posted', async () => {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(channelMessage(rig, PAT, 'book <at>Casey Lee</at> weekly tue 14:00', [CASEY]));
    await rig.core.dispatcher.dispatchDue();
    const accept = firstAction(lastCard(personalChat(CASEY)));
    await rig.post(submit(rig, CASEY, accept.data));
    await rig.post(personalMessage(rig, PAT, 'add support Private note about room 12'));
    rig.connector.clear();
    for (const text of ['agenda', 'escalations', 'report', 'calendar', 'export', 'priorities']) {
      await rig.post(channelMessage(rig, PAT, `touchpoint ${text}`, []));
    }
    const posted = JSON.stringify(rig.connector.calls);
    expect(posted).not.toContain('Private note about room 12');
    const replies = rig.connector.cards().map((c) => textsOf(c)[0]);
    expect(replies).toHaveLength(6);
    expect(new Set(replies)).toEqual(
      new Set(['That answer is private to you, so I only take it in a personal chat with me. Open a chat with Touchpoint and type it there.']),
    );
  });

  test('pressing Accept on the proposal card activates the series', async () => {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(channelMessage(rig, PAT, 'book <at>Casey Lee</at> weekly tue 14:00', [CASEY]));
    await rig.core.dispatcher.dispatchDue();
    const accept = firstAction(lastCard(personalChat(CASEY)));
    rig.connector.clear();

    const res = await rig.post(submit(rig, CASEY, accept.data));
    expect(res.status).toBe(200);
    expect(seriesBetween(CASEY.aadObjectId)[0].status).toBe('active');
    expect(textsOf(lastCard(personalChat(CASEY)))[0]).toBe('Booked with Pat Rivera: weekly on Tuesdays, 14:00–14:30. Next: Tue 24 Nov 2026, 14:00–14:30 EST.');
  });

  test('a form with an invalid field comes back with the error beside the field and the values kept', async () => {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(personalMessage(rig, PAT, 'book'));
    const form = lastCard(personalChat(PAT));
    const submitAction = firstAction(form);
    expect(submitAction).toEqual({
      type: 'Action.Submit',
      title: 'Propose',
      data: { tp: 'form', formId: expect.stringMatching(/^touchpoint\.book:once-/) as string },
      style: 'positive',
    });
    const people = choicesOf(form, 'person');
    expect(people.map((c) => c.title)).toEqual(expect.arrayContaining(['Casey Lee']));
    const caseyChoice = people.find((c) => c.title === 'Casey Lee')!.value;
    rig.connector.clear();

    const values = { person: caseyChoice, cadence: 'weekly', weekday: 'tue', time: '25:99', duration: '30', from: '' };
    await rig.post(submit(rig, PAT, { ...submitAction.data, ...values }));

    const again = lastCard(personalChat(PAT));
    const ids = again.body.map((e) => e.id);
    const at = ids.indexOf('time');
    expect(again.body[at]).toMatchObject({ type: 'Input.Text', id: 'time', value: '25:99', isRequired: true });
    expect(again.body[at + 1]).toMatchObject({ type: 'TextBlock', color: 'Attention', text: expect.stringContaining('25:99') as string });
    expect(again.body.find((e) => e.id === 'person')).toMatchObject({ value: caseyChoice });
    expect(again.body.find((e) => e.id === 'weekday')).toMatchObject({ value: 'tue' });
    expect(seriesBetween(CASEY.aadObjectId)).toHaveLength(0);

    // Corrected — to a time Teams' own time list (30-minute steps) could not offer — it books.
    await rig.post(submit(rig, PAT, { ...submitAction.data, ...values, time: '07:45' }));
    expect(textsOf(lastCard(personalChat(PAT)))[0]).toMatch(/^Proposed to Casey Lee/);
    expect(seriesBetween(CASEY.aadObjectId).map((x) => x.time)).toEqual(['07:45']);
  });

  test('after a restart forgot the form, a refused form is drawn again from the command', async () => {
    await rig.post(personalMessage(rig, PAT, 'closed'));
    const data = firstAction(lastCard(personalChat(PAT))).data;
    // A fresh bot instance has no memory of forms sent; simulate it with a new conversation id.
    const elsewhere = { id: 'a:another-chat', conversationType: 'personal', tenantId: TENANT };
    await rig.post(submit(rig, PAT, { ...data, start: '2026-12-21', end: '2026-12-01', label: 'Winter break' }, elsewhere));
    const again = lastCard('a:another-chat');
    const at = again.body.findIndex((e) => e.id === 'end');
    expect(again.body[at]).toMatchObject({ type: 'Input.Date', value: '2026-12-01' });
    expect(again.body[at + 1]).toMatchObject({ type: 'TextBlock', color: 'Attention', text: 'the range must end on or after its start' });
  });

  test('coaching commands are taken only in a personal chat', async () => {
    await rig.post(channelMessage(rig, DREW, 'coaching request reading groups'));
    expect(textsOf(lastCard())[0]).toMatch(/^Coaching requests stay between you and the coaches/);
    rig.connector.clear();
    await rig.post(personalMessage(rig, DREW, 'coaching help'));
    expect(textsOf(lastCard(personalChat(DREW)))[0]).toBe('coaching commands');
  });

  test('plain text with markdown and HTML-looking characters is escaped in the card', async () => {
    // Teams sends typed angle brackets as entities; the bot decodes them, and escapes them again in the card.
    await rig.post(personalMessage(rig, PAT, 'coach add &lt;b&gt;*nobody*_x_'));
    const text = textsOf(lastCard(personalChat(PAT)))[0];
    expect(text).toBe('I don\'t know anyone called "&lt;b&gt;\\*nobody\\*\\_x\\_" here.');
  });
});

describe('direct messages through the outbox', () => {
  test('a coach the bot never met: the proposal is given up at once and the coach marked unreachable, with a warning', async () => {
    await rig.post(personalMessage(rig, PAT, 'book Jordan Kim weekly wed 10:00'));
    expect(textsOf(lastCard(personalChat(PAT)))[0]).toMatch(/^Proposed to Jordan Kim/);
    rig.connector.clear();

    await rig.core.dispatcher.dispatchDue();

    const jordan = userId(JORDAN.aadObjectId);
    const [row] = rig.core.services.outbox.forRecipient(jordan).filter((r) => r.kind === 'booking.proposal');
    expect(row).toMatchObject({ status: 'dead', lastError: `unreachable: ${NO_CONVERSATION}`, attempts: 1 });
    expect(rig.core.services.people.unreachable(tenantId(), jordan)?.reason).toBe(NO_CONVERSATION);
    expect(rig.connector.activities().filter((a) => a.conversationId === personalChat(JORDAN))).toHaveLength(0);
    expect(rig.logger.at('warn').map((e) => e.msg)).toContain(`cannot DM on Teams: ${NO_CONVERSATION}`);

    // Once Jordan opens the app, they are reachable again.
    await rig.post(installPersonal(rig, JORDAN));
    await rig.post(personalMessage(rig, JORDAN, 'next'));
    expect(rig.core.services.people.unreachable(tenantId(), jordan)).toBeUndefined();
  });

  test('a user met only in a channel gets a 1:1 chat opened for the DM, never a post in the channel', async () => {
    await rig.post(channelMessage(rig, TAYLOR, 'next'));
    expect(rig.teams.conversations.ofUser(tenantId(), userId(TAYLOR.aadObjectId)).map((c) => c.scope)).toEqual(['channel']);
    await rig.post(channelMessage(rig, PAT, 'book <at>Taylor Morgan</at> weekly thu 09:00', [TAYLOR]));
    rig.connector.clear();

    await rig.core.dispatcher.dispatchDue();

    const [create] = rig.connector.created();
    expect(create.body).toMatchObject({
      isGroup: false,
      bot: { id: '28:touchpoint-bot' },
      members: [{ id: TAYLOR.id }],
      tenantId: TENANT,
      channelData: { tenant: { id: TENANT } },
    });
    const sent = rig.connector.activities();
    expect(sent).toHaveLength(1);
    expect(sent[0].conversationId).toMatch(/^a:created-/);
    expect(textsOf(cardsOf(sent[0].body)[0])[0]).toBe('Touch-point proposal');
    const stored = rig.teams.conversations.ofUser(tenantId(), userId(TAYLOR.aadObjectId));
    expect(stored.map((c) => [c.scope, c.conversationId])).toEqual([
      ['personal', sent[0].conversationId],
      ['channel', `${CHANNEL};messageid=1700000000000`],
    ]);
  });

  test('Teams throttling (429) is retried no sooner than Retry-After', async () => {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(personalMessage(rig, PAT, 'book Casey Lee weekly tue 14:00'));
    rig.connector.script.push({ status: 429, headers: { 'retry-after': '600' } });
    await rig.core.dispatcher.dispatchDue();
    const [row] = rig.core.services.outbox.forRecipient(userId(CASEY.aadObjectId));
    expect(row.status).toBe('pending');
    expect(row.lastError).toMatch(/429/);
    expect(row.nextAttemptAt.getTime() - rig.clock.now().getTime()).toBeGreaterThanOrEqual(600_000);
  });

  test('a DM the Bot Connector never answers is given up after the send timeout and retried later', async () => {
    await rig.close();
    rig = await startRig({ sendTimeoutMs: 100 });
    seedSchool(rig);
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(personalMessage(rig, PAT, 'book Casey Lee weekly tue 14:00'));
    rig.connector.clear();
    rig.connector.script.push({ status: 0, hang: true });
    const report = await rig.core.dispatcher.dispatchDue();
    expect(report).toMatchObject({ sent: 0, retried: 1 });
    const [row] = rig.core.services.outbox.forRecipient(userId(CASEY.aadObjectId));
    expect(row).toMatchObject({ status: 'pending', lastError: 'Teams send failed: the Teams DM got no answer within 0.1 s' });
    // Teams answers again: the retry is delivered.
    rig.clock.set(row.nextAttemptAt);
    expect(await rig.core.dispatcher.dispatchDue()).toMatchObject({ sent: 1 });
    // The first attempt (never answered) and the retry.
    expect(rig.connector.activities().map((a) => a.conversationId)).toEqual([personalChat(CASEY), personalChat(CASEY)]);
  });

  test('a chat Teams no longer accepts (403) is forgotten and reported unreachable', async () => {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(personalMessage(rig, PAT, 'book Casey Lee weekly tue 14:00'));
    rig.connector.script.push({
      status: 403,
      body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
    });
    await rig.core.dispatcher.dispatchDue();
    const [row] = rig.core.services.outbox.forRecipient(userId(CASEY.aadObjectId));
    expect(row).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/^unreachable: .*403/) as string });
    expect(rig.teams.conversations.ofUser(tenantId(), userId(CASEY.aadObjectId))).toHaveLength(0);
  });

  test('removing the app from the personal scope forgets the chat', async () => {
    await rig.post(installPersonal(rig, CASEY));
    const removed = { ...installPersonal(rig, CASEY), membersAdded: undefined, membersRemoved: [{ id: '28:touchpoint-bot' }] };
    await rig.post(removed);
    expect(rig.teams.conversations.ofUser(tenantId(), userId(CASEY.aadObjectId))).toHaveLength(0);
  });
});

describe('mentions and identity', () => {
  test('a mention entity’s name never renames the person it points at', async () => {
    await rig.post(installPersonal(rig, CASEY));
    await rig.post(channelMessage(rig, PAT, 'book <at>Mallory Hacker</at> weekly tue 14:00', [{ ...CASEY, name: 'Mallory Hacker' }]));
    expect(rig.core.services.people.userByExternalId(tenantId(), CASEY.aadObjectId)).toMatchObject({ displayName: 'Casey Lee' });
  });

  test('a person first named by a mention keeps their bookings when they later talk to the bot', async () => {
    // Riley is not known yet: Pat names them by a mention, which carries only the Teams id.
    await rig.post(channelMessage(rig, PAT, 'coach add <at>Riley Stone</at>', [{ id: '29:riley', aadObjectId: 'aad-riley', name: 'Riley Stone' }]));
    const tenant = tenantId();
    const byTeamsId = rig.core.services.people.userByExternalId(tenant, '29:riley');
    expect(byTeamsId).toMatchObject({ displayName: 'Riley Stone' });

    await rig.post(personalMessage(rig, { id: '29:riley', aadObjectId: 'aad-riley', name: 'Riley Stone' }, 'next'));
    expect(rig.core.services.people.userByExternalId(tenant, '29:riley')).toBeUndefined();
    expect(rig.core.services.people.userByExternalId(tenant, 'aad-riley')?.id).toBe(byTeamsId!.id);
  });

  test('identity: tenant from the conversation (or channel data), user from the AAD object id, name from the activity', async () => {
    await rig.post(personalMessage(rig, { id: '29:new', aadObjectId: 'aad-new', name: 'Sam New' }, 'help'));
    expect(rig.core.services.people.userByExternalId(tenantId(), 'aad-new')).toMatchObject({ displayName: 'Sam New' });
  });
});
