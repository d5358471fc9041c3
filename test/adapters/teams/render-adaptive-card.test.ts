/**
 * The Adaptive Card renderer: literal expected JSON for each block type, escaping, and every
 * message the core produces today parsed and validated by the Adaptive Cards library itself.
 */
import { join } from 'node:path';
import { TYPED_TIME_PATTERN, escapeTeamsText, renderAdaptiveCard, toTeamsMarkdown, type AdaptiveCard } from '../../../adapters/teams/render-adaptive-card';
import { formOf, type Message } from '../../../src/messages/model';
import type { Harness } from '../../support/harness';
import { produceEveryMessage, type Produced } from './sweep';

// The package's main entry needs a DOM; its UMD bundle parses and validates cards without one.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is loaded by file path and has no typings of its own
const AC = require(join(require.resolve('adaptivecards/package.json'), '..', 'dist', 'adaptivecards.js')) as {
  AdaptiveCard: new () => { parse(json: unknown, context?: unknown): void; validateProperties(): { validationEvents: { message: string }[] } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
const card = (...body: object[]): AdaptiveCard => ({ type: 'AdaptiveCard', $schema: SCHEMA, version: '1.5', body, msteams: { width: 'Full' } }) as AdaptiveCard;

/** Problems the Adaptive Cards library reports when parsing and validating the card. */
function problems(json: AdaptiveCard): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(json, context);
  const out: string[] = [];
  for (let i = 0; i < context.eventCount; i++) out.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of parsed.validateProperties().validationEvents) out.push(`validate: ${e.message}`);
  return out;
}

describe('each block type, literally', () => {
  test('header', () => {
    expect(renderAdaptiveCard({ text: 'x', blocks: [{ type: 'header', text: 'Touch-point proposal' }] })).toEqual(
      card({ type: 'TextBlock', text: 'Touch-point proposal', size: 'Large', weight: 'Bolder', wrap: true }),
    );
  });

  test('text: the markup becomes Teams Markdown', () => {
    expect(
      renderAdaptiveCard({
        text: 'x',
        blocks: [{ type: 'text', text: '**Pat** proposes _weekly_ touch-points, see [the agenda](https://example.org/a?b=1)' }],
      }),
    ).toEqual(card({ type: 'TextBlock', text: '**Pat** proposes _weekly_ touch-points, see [the agenda](https://example.org/a?b=1)', wrap: true }));
  });

  test('fields', () => {
    expect(
      renderAdaptiveCard({
        text: 'x',
        blocks: [
          {
            type: 'fields',
            fields: [
              { label: 'When', value: 'Tuesdays, 14:00' },
              { label: 'Time zone', value: 'America/New\\_York' },
            ],
          },
        ],
      }),
    ).toEqual(
      card({
        type: 'FactSet',
        facts: [
          { title: 'When', value: 'Tuesdays, 14:00' },
          { title: 'Time zone', value: 'America/New\\_York' },
        ],
      }),
    );
  });

  test('list, bulleted and numbered', () => {
    expect(
      renderAdaptiveCard({
        text: 'x',
        blocks: [
          { type: 'list', items: ['**a** one', 'two\nlines'] },
          { type: 'list', ordered: true, items: ['first', 'second'] },
        ],
      }),
    ).toEqual(card({ type: 'TextBlock', text: '- **a** one\n- two lines', wrap: true }, { type: 'TextBlock', text: '1. first\n2. second', wrap: true }));
  });

  test('actions: Action.Submit with the routing data, styles mapped', () => {
    expect(
      renderAdaptiveCard({
        text: 'x',
        blocks: [
          {
            type: 'actions',
            buttons: [
              { actionId: 'booking.accept', label: 'Accept', value: '7', style: 'primary' },
              { actionId: 'booking.decline', label: 'Decline', value: '7', style: 'danger' },
              { actionId: 'booking.cancel.keep', label: 'Keep it', value: '7' },
            ],
          },
        ],
      }),
    ).toEqual(
      card({
        type: 'ActionSet',
        actions: [
          { type: 'Action.Submit', title: 'Accept', data: { tp: 'action', actionId: 'booking.accept', value: '7' }, style: 'positive' },
          { type: 'Action.Submit', title: 'Decline', data: { tp: 'action', actionId: 'booking.decline', value: '7' }, style: 'destructive' },
          { type: 'Action.Submit', title: 'Keep it', data: { tp: 'action', actionId: 'booking.cancel.keep', value: '7' } },
        ],
      }),
    );
  });

  test('form: every input kind', () => {
    const msg: Message = {
      text: 'x',
      blocks: [
        {
          type: 'form',
          formId: 'touchpoint.example',
          title: 'Example',
          submitLabel: 'Save',
          state: '{"o":3}',
          inputs: [
            { id: 'name', label: 'Name', kind: 'text', required: true, placeholder: 'Lincoln' },
            { id: 'details', label: 'Details', kind: 'longtext', required: false, hint: 'Optional' },
            {
              id: 'cadence',
              label: 'How often',
              kind: 'choice',
              required: true,
              initial: 'weekly',
              choices: [
                { value: 'weekly', label: 'Weekly' },
                { value: 'biweekly', label: 'Every two weeks' },
              ],
            },
            { id: 'person', label: 'With', kind: 'person', required: true, choices: [{ value: '<@tp:2>', label: 'Casey Lee' }] },
            { id: 'nobody', label: 'Coach', kind: 'person', required: false, choices: [] },
            { id: 'from', label: 'Starting', kind: 'date', required: false },
            { id: 'time', label: 'Time', kind: 'time', required: true, initial: '14:00' },
            { id: 'share', label: 'Share with the principal', kind: 'checkbox', required: false, initial: 'true' },
          ],
        },
      ],
    };
    expect(renderAdaptiveCard(msg)).toEqual(
      card(
        { type: 'TextBlock', text: 'Example', weight: 'Bolder', wrap: true },
        { type: 'Input.Text', id: 'name', label: 'Name', maxLength: 500, isRequired: true, errorMessage: 'Name is required.', placeholder: 'Lincoln' },
        { type: 'Input.Text', id: 'details', label: 'Details', isMultiline: true, maxLength: 3000 },
        { type: 'TextBlock', text: 'Optional', isSubtle: true, size: 'Small', wrap: true, spacing: 'None' },
        {
          type: 'Input.ChoiceSet',
          id: 'cadence',
          label: 'How often',
          style: 'compact',
          isRequired: true,
          errorMessage: 'Choose how often.',
          value: 'weekly',
          choices: [
            { title: 'Weekly', value: 'weekly' },
            { title: 'Every two weeks', value: 'biweekly' },
          ],
        },
        {
          type: 'Input.ChoiceSet',
          id: 'person',
          label: 'With',
          style: 'filtered',
          isRequired: true,
          errorMessage: 'Choose with.',
          choices: [{ title: 'Casey Lee', value: '<@tp:2>' }],
        },
        { type: 'Input.Text', id: 'nobody', label: 'Coach' },
        { type: 'Input.Date', id: 'from', label: 'Starting' },
        {
          type: 'Input.Text',
          id: 'time',
          label: 'Time',
          regex: TYPED_TIME_PATTERN,
          maxLength: 10,
          isRequired: true,
          errorMessage: 'Type a time, like 07:45 or 2:30pm.',
          placeholder: 'Type a time, like 07:45 or 2:30pm',
          value: '14:00',
        },
        { type: 'Input.Toggle', id: 'share', title: 'Share with the principal', valueOn: 'true', valueOff: 'false', value: 'true' },
        {
          type: 'ActionSet',
          actions: [{ type: 'Action.Submit', title: 'Save', data: { tp: 'form', formId: 'touchpoint.example', state: '{"o":3}' }, style: 'positive' }],
        },
      ),
    );
  });

  test('form drawn again: the error right after its input, the entered values kept', () => {
    const msg: Message = {
      text: 'x',
      blocks: [
        {
          type: 'form',
          formId: 'touchpoint.move',
          title: 'Move',
          submitLabel: 'Move',
          inputs: [
            { id: 'date', label: 'New date', kind: 'date', required: true },
            { id: 'time', label: 'New time', kind: 'time', required: true },
          ],
        },
      ],
    };
    expect(renderAdaptiveCard(msg, { fieldErrors: { time: '"25:99" is not a time <like 14:00>' }, values: { date: '2026-12-01', time: '25:99' } })).toEqual(
      card(
        { type: 'TextBlock', text: 'Move', weight: 'Bolder', wrap: true },
        { type: 'Input.Date', id: 'date', label: 'New date', isRequired: true, errorMessage: 'New date is required.', value: '2026-12-01' },
        {
          type: 'Input.Text',
          id: 'time',
          label: 'New time',
          regex: TYPED_TIME_PATTERN,
          maxLength: 10,
          isRequired: true,
          errorMessage: 'Type a time, like 07:45 or 2:30pm.',
          placeholder: 'Type a time, like 07:45 or 2:30pm',
          value: '25:99',
        },
        { type: 'TextBlock', text: '"25:99" is not a time &lt;like 14:00&gt;', color: 'Attention', size: 'Small', wrap: true, spacing: 'None' },
        { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: 'Move', data: { tp: 'form', formId: 'touchpoint.move' }, style: 'positive' }] },
      ),
    );
  });

  test('context', () => {
    expect(renderAdaptiveCard({ text: 'x', blocks: [{ type: 'context', text: 'Usage: /touchpoint skip \\[reason\\]' }] })).toEqual(
      card({ type: 'TextBlock', text: 'Usage: /touchpoint skip \\[reason\\]', isSubtle: true, size: 'Small', wrap: true }),
    );
  });

  test('divider: a separator on the next element; leading and trailing dividers vanish', () => {
    expect(
      renderAdaptiveCard({
        text: 'x',
        blocks: [{ type: 'divider' }, { type: 'text', text: 'a' }, { type: 'divider' }, { type: 'text', text: 'b' }, { type: 'divider' }],
      }),
    ).toEqual(card({ type: 'TextBlock', text: 'a', wrap: true }, { type: 'TextBlock', text: 'b', wrap: true, separator: true }));
  });

  test('a message without blocks is its text, escaped', () => {
    expect(renderAdaptiveCard({ text: 'Hi <there> & *you*', blocks: [] })).toEqual(
      card({ type: 'TextBlock', text: 'Hi &lt;there&gt; &amp; \\*you\\*', wrap: true }),
    );
  });
});

describe('escaping', () => {
  test('Markdown characters get a backslash, HTML-looking characters become entities', () => {
    expect(escapeTeamsText('a*b_c [d](e) `f` ~g~ \\ <script> & done')).toBe('a\\*b\\_c \\[d\\](e) \\`f\\` \\~g\\~ \\\\ &lt;script&gt; &amp; done');
  });

  test('a line that would start a list stays text', () => {
    expect(escapeTeamsText('- not a list\n1. nor this\n+ nor this')).toBe('\\- not a list\n1\\. nor this\n\\+ nor this');
  });

  test('escaped markup from the model stays literal; user text inside bold is escaped', () => {
    expect(toTeamsMarkdown('**Casey \\*the\\* coach** said \\_hi\\_')).toBe('**Casey \\*the\\* coach** said \\_hi\\_');
    expect(toTeamsMarkdown('**<b>x</b>**')).toBe('**&lt;b&gt;x&lt;/b&gt;**');
  });

  test('link labels are escaped and URLs cannot break out of the link', () => {
    expect(toTeamsMarkdown('[a *b*](https://example.org/x\\(y\\))')).toBe('[a \\*b\\*](https://example.org/x%28y%29)');
    expect(toTeamsMarkdown('[no](javascript:alert)')).toBe('\\[no\\](javascript:alert)');
  });

  test('line breaks become paragraph breaks (a single newline does not break a TextBlock line)', () => {
    expect(toTeamsMarkdown('one\ntwo')).toBe('one\n\ntwo');
  });
});

describe('every message the core produces renders to a card the Adaptive Cards library accepts', () => {
  let h: Harness;
  let produced: Produced[] = [];

  beforeAll(async () => {
    ({ h, produced } = await produceEveryMessage());
  });

  afterAll(() => h.close());

  test('the sweep covered the kinds of message the brief lists', () => {
    const texts = produced.map((p) => p.message.text);
    for (const expected of [
      /proposes a touch-point/,
      /^Booked with/,
      /^Next touch-point with/,
      /^Skipped /,
      /^Do you want to end/,
      /is closed .* skipped/,
      /^\/touchpoint commands/,
      /^\/coaching commands/,
      /is not a \/touchpoint command/,
      /^Book a touch-point$/,
      /^Set up your school$/,
      /^Move the next touch-point$/,
      /^Mark the school closed$/,
      /^Touchpoint home$/,
    ]) {
      expect(texts.some((t) => expected.test(t))).toBe(true);
    }
    expect(produced.some((p) => formOf(p.message))).toBe(true);
    expect(produced.length).toBeGreaterThan(60);
  });

  test('no parse or validation problems, ids unique, every card version 1.5', () => {
    const failures = produced.flatMap(({ what, message }) => {
      const json = renderAdaptiveCard(message);
      const found = problems(json);
      if (json.version !== '1.5' || json.type !== 'AdaptiveCard') found.push('not an AdaptiveCard 1.5');
      return found.map((p) => `${what}: ${p}`);
    });
    expect(failures).toEqual([]);
  });

  test('a form drawn again with errors is valid too', () => {
    const withForms = produced.filter((p) => formOf(p.message));
    for (const { message } of withForms) {
      const form = formOf(message)!;
      const errors = Object.fromEntries(form.inputs.map((i) => [i.id, `bad ${i.label}`]));
      const values = Object.fromEntries(form.inputs.map((i) => [i.id, i.initial ?? 'x']));
      expect(problems(renderAdaptiveCard(message, { fieldErrors: errors, values }))).toEqual([]);
    }
  });

  test('the library flags what the checks are for (a duplicate id, a choice set without choices)', () => {
    expect(problems(card({ type: 'Input.Text', id: 'a' }, { type: 'Input.Text', id: 'a' }, { type: 'Input.ChoiceSet', id: 'c', choices: [] }))).toHaveLength(2);
  });
});

describe('a time is typed, to the minute', () => {
  // Teams draws Input.Time as a list in 30-minute steps: 07:45, a common school-day start, could not be chosen.
  const typed = new RegExp(TYPED_TIME_PATTERN);
  test('the card asks for a typed time that accepts any minute the core reads, and refuses what it would refuse', () => {
    const card = renderAdaptiveCard({
      text: 'x',
      blocks: [
        { type: 'form', formId: 'f', title: 'Day', submitLabel: 'Save', inputs: [{ id: 'start', label: 'School day starts', kind: 'time', required: false }] },
      ],
    });
    const input = card.body.find((e) => e.id === 'start')!;
    expect(input.type).toBe('Input.Text');
    for (const ok of ['07:45', '7:45', '14:05', '2:30pm', '9 am', 'noon']) expect({ ok, matches: typed.test(ok) }).toEqual({ ok, matches: true });
    for (const bad of ['25:99', '7:5', '13pm', 'soon', '']) expect({ bad, matches: typed.test(bad) }).toEqual({ bad, matches: false });
  });
});
