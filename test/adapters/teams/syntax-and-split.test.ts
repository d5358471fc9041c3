/**
 * Teams' own words for commands, and messages split to Teams' size: the rewriting rules, and a
 * sweep over every message the core produces (and a maximal one) checked as Teams would get it.
 */
import { cardActivity, teamsParts } from '../../../adapters/teams/cards';
import { TEAMS_PART_LIMIT, continuedLine, splitForTeams, teamsSize } from '../../../adapters/teams/split';
import { inTeamsWords, teamsSyntaxOf, type Place } from '../../../adapters/teams/syntax';
import { buildRegistry } from '../../../src/features';
import { buttonsOf, type Message } from '../../../src/messages/model';
import type { Harness } from '../../support/harness';
import { produceEveryMessage, type Produced } from './sweep';
import { textsOf } from './rig';

const syntax = teamsSyntaxOf(buildRegistry());
const words = (text: string, place: Place): string => inTeamsWords(text, place, syntax);

describe('command references in Teams words', () => {
  test('a personal chat: touch-point commands bare, coaching ones after "coaching", people by name', () => {
    expect(words('Book one with /touchpoint book @name weekly tue 14:00.', 'personal')).toBe('Book one with book <name> weekly tue 14:00.');
    expect(words('Usage: /touchpoint roles add|remove @person principal', 'personal')).toBe('Usage: roles add|remove <person> principal');
    expect(words('Withdraw it: /coaching withdraw 12 · erase: /coaching forget-me', 'personal')).toBe(
      'Withdraw it: coaching withdraw 12 · erase: coaching forget-me',
    );
    expect(words('**/touchpoint agenda** — the agenda', 'personal')).toBe('**agenda** — the agenda');
    expect(words('(/coaching status lists them)', 'personal')).toBe('(coaching status lists them)');
  });

  test('a channel or group chat: "@Touchpoint" first, people @mentioned', () => {
    expect(words('Book one with /touchpoint book @name weekly tue 14:00.', 'shared')).toBe('Book one with @Touchpoint book @name weekly tue 14:00.');
    expect(words('/coaching request', 'shared')).toBe('coaching request');
  });

  test('the root named, not typed, reads as the app: "/touchpoint commands" is "Touchpoint commands"', () => {
    expect(words('/touchpoint commands', 'personal')).toBe('Touchpoint commands');
    expect(words('"frobnicate" is not a /touchpoint command.', 'shared')).toBe('"frobnicate" is not a Touchpoint command.');
    expect(words('/coaching commands', 'personal')).toBe('coaching commands');
  });

  test('paths, URLs and file names are left alone', () => {
    for (const text of [
      'stored in ./data/touchpoint.db',
      'https://touchpoint.example/coaching/forget',
      'GET /coaching/reminders',
      'mail pat@touchpoint.example',
    ]) {
      expect(words(text, 'personal')).toBe(text);
    }
  });
});

describe('every message the core produces, as Teams gets it', () => {
  let h: Harness;
  let produced: Produced[] = [];

  beforeAll(async () => {
    ({ h, produced } = await produceEveryMessage());
  });

  afterAll(() => h.close());

  const SLACK_STYLE = /(^|[^\w./])\/(touchpoint|coaching) [a-z]/;

  test.each(['personal', 'shared'] as Place[])('in a %s conversation: no Slack-style command is left, and every part is under the size limit', (place) => {
    const problems: string[] = [];
    for (const { what, message } of produced) {
      for (const { part, activity } of teamsParts(message, { place, syntax })) {
        const json = JSON.stringify(activity);
        if (SLACK_STYLE.test(part.text) || SLACK_STYLE.test(json)) problems.push(`${what}: ${part.text.slice(0, 120)}`);
        if (teamsSize(activity) >= TEAMS_PART_LIMIT) problems.push(`${what}: ${teamsSize(activity)} bytes`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('messages that fit are sent whole, as one activity', () => {
    const split = produced.filter(({ message }) => teamsParts(message, { place: 'personal', syntax }).length > 1);
    expect(split.map((p) => p.what)).toEqual([]);
  });
});

describe('splitting', () => {
  const item = (n: number): string => `Item ${n} ${'x'.repeat(470)}`;
  const maximal: Message = {
    text: 'Agenda',
    blocks: [
      { type: 'header', text: 'Agenda for Tue 24 Nov' },
      { type: 'fields', fields: [{ label: 'With', value: 'Casey Lee' }] },
      { type: 'list', ordered: true, items: Array.from({ length: 200 }, (_, i) => item(i + 1)) },
      { type: 'context', text: 'Add more with /touchpoint add' },
      { type: 'actions', buttons: [{ actionId: 'agenda.done', label: 'Done', value: '1' }] },
    ],
  };

  test('200 long items: parts under the limit, numbering carried on, continuation lines, buttons in the last part', () => {
    const parts = splitForTeams(maximal, (m) => cardActivity(m));
    expect(parts.length).toBeGreaterThan(2);
    const activities = parts.map((p) => cardActivity(p));
    for (const a of activities) expect(teamsSize(a)).toBeLessThan(TEAMS_PART_LIMIT);
    const numbers = activities.flatMap((a) => [...JSON.stringify(a).matchAll(/(\d+)\. Item (\d+) /g)].map((m) => [Number(m[1]), Number(m[2])]));
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => [i + 1, i + 1]));
    parts.slice(1).forEach((p, i) => expect(textsOf(cardActivity(p).attachments![0].content as never)[0]).toBe(continuedLine(i + 2, parts.length)));
    expect(parts.map((p) => buttonsOf(p).length)).toEqual([...parts.slice(1).map(() => 0), 1]);
    expect(parts[0].blocks[0]).toEqual({ type: 'header', text: 'Agenda for Tue 24 Nov' });
  });

  test('a part’s notification text is the message’s own first line, never what the message keeps out of it', () => {
    // The compiled agenda keeps an escalation's concern out of its fallback text (notifications, previews).
    const agenda: Message = {
      text: 'Agenda for Tue 24 Nov with Casey Lee',
      blocks: [...maximal.blocks.slice(0, 3), { type: 'text', text: 'Escalation #2: concern about Ms. Morgan’s classroom' }],
    };
    const parts = splitForTeams(agenda, (m) => cardActivity(m));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.map((p) => p.text)).toEqual(parts.map((_, i) => (i === 0 ? agenda.text : `${agenda.text} ${continuedLine(i + 1, parts.length)}`)));
    for (const p of parts) expect(JSON.stringify((cardActivity(p).attachments![0].content as { summary?: string }).summary ?? '')).not.toContain('Morgan');
  });

  test('a message that fits, and one with no blocks at all, go as they are', () => {
    const small: Message = { text: 'Hi', blocks: [{ type: 'text', text: 'Hi' }] };
    expect(splitForTeams(small, (m) => cardActivity(m))).toEqual([small]);
    const empty: Message = { text: '', blocks: [] };
    expect(splitForTeams(empty, (m) => cardActivity(m))).toEqual([empty]);
  });

  test('one long text block is split between its lines, never inside one', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `Line ${i} ${'y'.repeat(400)}`);
    const parts = splitForTeams({ text: 'notes', blocks: [{ type: 'text', text: lines.join('\n') }] }, (m) => cardActivity(m));
    expect(parts.length).toBeGreaterThan(1);
    const seen = parts.flatMap((p) => p.blocks.flatMap((b) => (b.type === 'text' ? b.text.split('\n') : [])));
    expect(seen).toEqual(lines);
  });
});
