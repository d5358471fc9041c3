import { escapeMarkup, message, type Message } from '../../../src/messages/model';
import { parseMarkup } from '../../../src/messages/markup';
import { renderPlainText, renderSpansPlain } from '../../../adapters/console/render-plain-text';

describe('renderPlainText', () => {
  it('falls back to msg.text when there are no blocks', () => {
    expect(renderPlainText(message('Just this **raw** text'))).toBe('Just this **raw** text');
  });

  it('underlines a header to its width', () => {
    expect(renderPlainText(message('t', { type: 'header', text: '**Weekly** check-in' }))).toBe('Weekly check-in\n───────────────');
  });

  it('renders text markup for a terminal', () => {
    const msg = message('t', {
      type: 'text',
      text: '**Bold** and _italic_ and [docs](https://x.io/a)\nsecond line',
    });
    expect(renderPlainText(msg)).toBe('Bold and italic and docs (https://x.io/a)\nsecond line');
  });

  it('renders fields one per line', () => {
    const msg = message('t', {
      type: 'fields',
      fields: [
        { label: 'When', value: '**Mon 3 Mar**, 10:00' },
        { label: 'Coach', value: 'Ana' },
      ],
    });
    expect(renderPlainText(msg)).toBe('When: Mon 3 Mar, 10:00\nCoach: Ana');
  });

  it('renders bulleted and ordered lists', () => {
    expect(renderPlainText(message('t', { type: 'list', items: ['_one_', 'two'] }))).toBe('  • one\n  • two');
    expect(renderPlainText(message('t', { type: 'list', items: ['one', 'two'], ordered: true }))).toBe('  1. one\n  2. two');
  });

  it('numbers buttons across the whole message, one line per actions block', () => {
    const msg = message(
      't',
      {
        type: 'actions',
        buttons: [
          { actionId: 'b.accept', label: 'Accept', value: '1', style: 'primary' },
          { actionId: 'b.decline', label: 'Decline', value: '1', style: 'danger' },
        ],
      },
      { type: 'text', text: 'Or:' },
      { type: 'actions', buttons: [{ actionId: 'b.later', label: 'Later', value: '1' }] },
    );
    expect(renderPlainText(msg)).toBe('  [1] Accept   [2] Decline\nOr:\n  [3] Later');
  });

  it('describes a form with its inputs and choices', () => {
    const msg = message('t', {
      type: 'form',
      formId: 'touchpoint.book',
      title: 'Book a touch-point',
      submitLabel: 'Book',
      inputs: [
        {
          id: 'coach',
          label: 'Coach',
          kind: 'person',
          required: true,
          choices: [
            { value: 'u1', label: 'Ana' },
            { value: 'u2', label: 'Ben' },
          ],
        },
        {
          id: 'slot',
          label: 'Slot',
          kind: 'choice',
          required: false,
          choices: [{ value: 'am', label: 'Morning' }],
        },
        { id: 'note', label: 'Note', kind: 'longtext', required: false },
        { id: 'day', label: 'Day', kind: 'date', required: true },
      ],
    });
    expect(renderPlainText(msg)).toBe(
      [
        'Form: Book a touch-point',
        '  - Coach (person, required)',
        '      1) Ana',
        '      2) Ben',
        '  - Slot (choice)',
        '      1) Morning',
        '  - Note (longtext)',
        '  - Day (date, required)',
        '  Answer the prompts below, or type :cancel.',
      ].join('\n'),
    );
  });

  it('indents context and draws dividers', () => {
    const msg = message('t', { type: 'context', text: 'Sent by _Touchpoint_' }, { type: 'divider' });
    expect(renderPlainText(msg)).toBe('  Sent by Touchpoint\n────────────────────');
  });

  it('renders every block type together, separated by single newlines', () => {
    const msg: Message = message(
      'fallback',
      { type: 'header', text: 'Hi' },
      { type: 'text', text: 'Body' },
      { type: 'divider' },
      { type: 'context', text: 'foot' },
    );
    expect(renderPlainText(msg)).toBe('Hi\n──\nBody\n────────────────────\n  foot');
  });

  it('shows escaped user text literally', () => {
    const user = '**not bold** [x](https://y.z) snake_case_name';
    const msg = message('t', { type: 'text', text: `From Ana: ${escapeMarkup(user)}` });
    expect(renderPlainText(msg)).toBe(`From Ana: ${user}`);
  });

  it('keeps snake_case, unclosed markers and non-http links literal', () => {
    const msg = message('t', {
      type: 'text',
      text: 'my_var_name **unclosed _half [x](ftp://h)',
    });
    expect(renderPlainText(msg)).toBe('my_var_name **unclosed _half [x](ftp://h)');
  });
});

describe('renderSpansPlain', () => {
  it('drops styling and writes links as label (url)', () => {
    expect(renderSpansPlain(parseMarkup('**a _b_** [c](mailto:d@e.f)'))).toBe('a b c (mailto:d@e.f)');
  });
});
