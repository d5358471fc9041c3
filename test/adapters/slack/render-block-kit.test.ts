import type { KnownBlock } from '@slack/types';
import { RERUN_ACTION } from '../../../src/core/app';
import { escapeMarkup, message, type Message } from '../../../src/messages/model';
import { LIMITS } from '../../../adapters/slack/limits';
import { chunkMrkdwn, escapeMrkdwn, markupToMrkdwn } from '../../../adapters/slack/mrkdwn';
import { OPEN_FORM_ACTION, renderHome, renderMessage } from '../../../adapters/slack/render-block-kit';
import { renderModal } from '../../../adapters/slack/render-modals';
import { modelActionId, readFormValues, readModalMeta } from '../../../adapters/slack/read-submissions';

const blocksOf = (...blocks: Message['blocks']): KnownBlock[] => renderMessage(message('fallback', ...blocks)).blocks;

describe('markup → mrkdwn', () => {
  it('converts bold, italic and links', () => {
    expect(markupToMrkdwn('**Pat** proposes _weekly_ [docs](https://x.io/a?b=1&c=2)')).toBe('*Pat* proposes _weekly_ <https://x.io/a?b=1&amp;c=2|docs>');
  });

  it('keeps edge spaces outside the marks and drops empty ones', () => {
    expect(markupToMrkdwn('a** b **c')).toBe('a *b* c');
  });

  it('escapes &, < and > and neutralises formatting marks in literal text', () => {
    expect(markupToMrkdwn(escapeMarkup('A&B <@U1> **x** ~y~ `z` _w_'))).toBe(
      'A&amp;B &lt;@U1&gt; \u2217\u2217x\u2217\u2217 \u223Cy\u223C \u02CBz\u02CB \u02CDw\u02CD',
    );
  });

  it('keeps underscores inside words (snake_case, e-mail addresses)', () => {
    expect(escapeMrkdwn('jane_doe@school.org and snake_case')).toBe('jane_doe@school.org and snake_case');
  });

  it('escapes a link label and a | in its URL', () => {
    expect(markupToMrkdwn('[a <b>](https://x.io/p|q)')).toBe('<https://x.io/p%7Cq|a &lt;b&gt;>');
  });

  it('splits long text at line breaks, never inside an entity', () => {
    const chunks = chunkMrkdwn(`${'a'.repeat(10)}\n${'b'.repeat(10)}`, 15);
    expect(chunks).toEqual(['a'.repeat(10), 'b'.repeat(10)]);
    const entity = chunkMrkdwn(`${'x'.repeat(8)}&amp;yyy`, 10);
    expect(entity[0]).toBe('x'.repeat(8));
    expect(entity.join('')).toBe(`${'x'.repeat(8)}&amp;yyy`);
  });
});

describe('renderMessage: each block type', () => {
  it('header → header block with plain_text (markup stripped)', () => {
    expect(blocksOf({ type: 'header', text: '**Touch-point** proposal' })).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Touch-point proposal', emoji: true } },
    ]);
  });

  it('clips a header to 150 characters', () => {
    const [h] = blocksOf({ type: 'header', text: 'h'.repeat(200) }) as unknown as [{ text: { text: string } }];
    expect(h.text.text).toHaveLength(LIMITS.headerText);
    expect(h.text.text.endsWith('…')).toBe(true);
  });

  it('text → section mrkdwn', () => {
    expect(blocksOf({ type: 'text', text: '**Pat** proposes a touch-point.' })).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Pat* proposes a touch-point.' } },
    ]);
  });

  it('text over 3000 characters → several sections', () => {
    const line = 'w'.repeat(1000);
    const blocks = blocksOf({ type: 'text', text: [line, line, line, line].join('\n') });
    expect(blocks).toHaveLength(2);
    for (const b of blocks) expect((b as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
  });

  it('fields → section fields with bold labels, at most 10 per section', () => {
    expect(
      blocksOf({
        type: 'fields',
        fields: [
          { label: 'When', value: 'Tuesdays at 14:00' },
          { label: 'Time zone', value: 'America/New_York' },
        ],
      }),
    ).toEqual([
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: '*When*\nTuesdays at 14:00' },
          { type: 'mrkdwn', text: '*Time zone*\nAmerica/New_York' },
        ],
      },
    ]);
    const many = blocksOf({ type: 'fields', fields: Array.from({ length: 12 }, (_, i) => ({ label: `L${i}`, value: `v${i}` })) });
    expect(many.map((b) => (b as { fields: unknown[] }).fields.length)).toEqual([10, 2]);
  });

  it('list → section mrkdwn with bullets or numbers', () => {
    expect(blocksOf({ type: 'list', items: ['**one**', 'two'] })).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '• *one*\n• two' } }]);
    expect(blocksOf({ type: 'list', items: ['one', 'two'], ordered: true })).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '1. one\n2. two' } }]);
  });

  it('actions → buttons with unique action ids, values and styles', () => {
    expect(
      blocksOf({
        type: 'actions',
        buttons: [
          { actionId: 'booking.accept', label: 'Accept', value: '7', style: 'primary' },
          { actionId: 'booking.decline', label: 'Decline', value: '7', style: 'danger' },
          { actionId: 'booking.accept', label: 'Again', value: '8' },
        ],
      }),
    ).toEqual([
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: 'booking.accept:0', text: { type: 'plain_text', text: 'Accept', emoji: true }, value: '7', style: 'primary' },
          { type: 'button', action_id: 'booking.decline:1', text: { type: 'plain_text', text: 'Decline', emoji: true }, value: '7', style: 'danger' },
          { type: 'button', action_id: 'booking.accept:2', text: { type: 'plain_text', text: 'Again', emoji: true }, value: '8' },
        ],
      },
    ]);
  });

  it('numbers buttons across the whole message and routes back by stripping the suffix', () => {
    const blocks = blocksOf(
      { type: 'actions', buttons: [{ actionId: 'a.b', label: 'A', value: '1' }] },
      { type: 'actions', buttons: [{ actionId: 'a.b', label: 'B', value: '2' }] },
    );
    const ids = blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => (e as { action_id: string }).action_id) : []));
    expect(ids).toEqual(['a.b:0', 'a.b:1']);
    expect(ids.map(modelActionId)).toEqual(['a.b', 'a.b']);
  });

  it('clips button text to 75 and drops a button whose value is over 2000', () => {
    const [block] = blocksOf({
      type: 'actions',
      buttons: [
        { actionId: 'x', label: 'L'.repeat(100), value: 'v' },
        { actionId: 'y', label: 'too long', value: 'v'.repeat(2001) },
      ],
    }) as unknown as [{ elements: { text: { text: string } }[] }];
    expect(block.elements).toHaveLength(1);
    expect(block.elements[0].text.text).toHaveLength(LIMITS.buttonText);
  });

  it('a form in a message → its title and an "Open form" button that re-runs the command', () => {
    expect(OPEN_FORM_ACTION).toBe(RERUN_ACTION);
    expect(blocksOf({ type: 'form', formId: 'touchpoint.book', title: 'Book a touch-point', submitLabel: 'Propose', inputs: [] })).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Book a touch-point*' } },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'command.rerun:0',
            text: { type: 'plain_text', text: 'Open form', emoji: true },
            value: '{"root":"touchpoint","text":"book"}',
            style: 'primary',
          },
        ],
      },
    ]);
  });

  it('context → context block with one mrkdwn element; divider → divider', () => {
    expect(blocksOf({ type: 'context', text: 'Usage: /touchpoint book' }, { type: 'divider' })).toEqual([
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Usage: /touchpoint book' }] },
      { type: 'divider' },
    ]);
  });

  it('escapes the fallback text (Slack reads it as mrkdwn)', () => {
    expect(renderMessage(message('A & <B>')).text).toBe('A &amp; &lt;B&gt;');
  });

  it('cuts a message to 50 blocks, the last saying the rest was cut', () => {
    const blocks = renderMessage(message('t', ...Array.from({ length: 60 }, () => ({ type: 'divider' as const })))).blocks;
    expect(blocks).toHaveLength(LIMITS.messageBlocks);
    expect(blocks[49]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '_The rest of this message was cut (11 more parts); Slack shows at most 50 blocks._' }],
    });
  });
});

describe('renderModal', () => {
  const form: Message = {
    text: 'Book a touch-point',
    blocks: [
      {
        type: 'form',
        formId: 'touchpoint.book',
        title: 'Move the next touch-point',
        submitLabel: 'Propose',
        state: 's1',
        inputs: [
          { id: 'person', label: 'With', kind: 'person', required: true, choices: [{ value: '<@tp:2>', label: 'Casey Lee' }] },
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
          { id: 'name', label: 'Name', kind: 'text', required: false, placeholder: 'Lincoln', initial: 'L' },
          { id: 'notes', label: 'Notes', kind: 'longtext', required: false, hint: 'Optional' },
          { id: 'from', label: 'Starting', kind: 'date', required: false, initial: '2026-12-01' },
          { id: 'time', label: 'Time', kind: 'time', required: true, initial: '14:00' },
          { id: 'share', label: 'Share with principal', kind: 'checkbox', required: false, initial: 'true' },
          { id: 'nobody', label: 'Who', kind: 'person', required: true, choices: [] },
        ],
      },
    ],
  };

  it('renders every input kind as the matching Block Kit element', () => {
    const view = renderModal(form, { responseUrl: 'https://hooks.slack.com/commands/1' });
    const weekly = { text: { type: 'plain_text', text: 'Weekly', emoji: true }, value: 'weekly' };
    const share = { text: { type: 'plain_text', text: 'Share with principal', emoji: true }, value: 'true' };
    expect(view).toEqual({
      type: 'modal',
      callback_id: 'touchpoint.book',
      // A title over 24 characters is shortened at a word, and shown in full as the first block.
      title: { type: 'plain_text', text: 'Move the next…', emoji: true },
      submit: { type: 'plain_text', text: 'Propose', emoji: true },
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      private_metadata: JSON.stringify({ state: 's1', responseUrl: 'https://hooks.slack.com/commands/1' }),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Move the next touch-point', emoji: true } },
        {
          type: 'input',
          block_id: 'person',
          label: { type: 'plain_text', text: 'With', emoji: true },
          optional: false,
          // Only people to choose: Slack's own user picker.
          element: { type: 'users_select', action_id: 'person' },
        },
        {
          type: 'input',
          block_id: 'cadence',
          label: { type: 'plain_text', text: 'How often', emoji: true },
          optional: false,
          element: {
            type: 'static_select',
            action_id: 'cadence',
            options: [weekly, { text: { type: 'plain_text', text: 'Every two weeks', emoji: true }, value: 'biweekly' }],
            initial_option: weekly,
          },
        },
        {
          type: 'input',
          block_id: 'name',
          label: { type: 'plain_text', text: 'Name', emoji: true },
          optional: true,
          element: {
            type: 'plain_text_input',
            action_id: 'name',
            max_length: 500,
            initial_value: 'L',
            placeholder: { type: 'plain_text', text: 'Lincoln', emoji: true },
          },
        },
        {
          type: 'input',
          block_id: 'notes',
          label: { type: 'plain_text', text: 'Notes', emoji: true },
          optional: true,
          element: { type: 'plain_text_input', action_id: 'notes', multiline: true, max_length: 3000 },
          hint: { type: 'plain_text', text: 'Optional', emoji: true },
        },
        {
          type: 'input',
          block_id: 'from',
          label: { type: 'plain_text', text: 'Starting', emoji: true },
          optional: true,
          element: { type: 'datepicker', action_id: 'from', initial_date: '2026-12-01' },
        },
        {
          type: 'input',
          block_id: 'time',
          label: { type: 'plain_text', text: 'Time', emoji: true },
          optional: false,
          element: { type: 'timepicker', action_id: 'time', initial_time: '14:00' },
        },
        {
          type: 'input',
          block_id: 'share',
          label: { type: 'plain_text', text: 'Share with principal', emoji: true },
          optional: true,
          element: { type: 'checkboxes', action_id: 'share', options: [share], initial_options: [share] },
        },
        {
          type: 'input',
          block_id: 'nobody',
          label: { type: 'plain_text', text: 'Who', emoji: true },
          optional: false,
          // Nobody known to choose from yet: Slack's user picker still finds them in the workspace.
          element: { type: 'users_select', action_id: 'nobody' },
        },
      ],
    });
    expect(readModalMeta(view.private_metadata)).toEqual({ state: 's1', responseUrl: 'https://hooks.slack.com/commands/1' });
    expect(readModalMeta('not json')).toEqual({});
    // Each field is checked on its own: a response_url that is not http(s), or a bad timestamp, is dropped.
    expect(readModalMeta(JSON.stringify({ state: 's', responseUrl: 'javascript:alert(1)', responseUrlIssuedAt: 5 }))).toEqual({
      state: 's',
      responseUrlIssuedAt: 5,
    });
    expect(readModalMeta(JSON.stringify({ responseUrl: 'https://hooks.slack.com/x', responseUrlIssuedAt: 'soon' }))).toEqual({
      responseUrl: 'https://hooks.slack.com/x',
    });
  });

  it('refuses a message without a form', () => {
    expect(() => renderModal(message('x'))).toThrow(/no form/);
  });

  it('reads submitted values back by input id', () => {
    expect(
      readFormValues({
        person: { person: { type: 'static_select', selected_option: { value: '<@tp:2>' } } },
        name: { name: { type: 'plain_text_input', value: 'Lincoln' } },
        notes: { notes: { type: 'plain_text_input', value: null } },
        from: { from: { type: 'datepicker', selected_date: '2026-12-01' } },
        time: { time: { type: 'timepicker', selected_time: '14:00' } },
        share: { share: { type: 'checkboxes', selected_options: [] } },
        coach: { coach: { type: 'users_select', selected_user: 'U0CASEY' } },
        nobody: { nobody: { type: 'users_select', selected_user: null } },
      }),
    ).toEqual({
      person: '<@tp:2>',
      name: 'Lincoln',
      notes: undefined,
      from: '2026-12-01',
      time: '14:00',
      share: 'false',
      coach: '<@U0CASEY>',
      nobody: undefined,
    });
  });
});

describe('renderHome', () => {
  it('is a home view of the rendered blocks', () => {
    expect(renderHome(message('Touchpoint home', { type: 'header', text: 'Touchpoint' }, { type: 'text', text: '**Your next touch-points**' }))).toEqual({
      type: 'home',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Touchpoint', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: '*Your next touch-points*' } },
      ],
    });
  });
});
