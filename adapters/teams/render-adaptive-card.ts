/**
 * The Teams adapter's one pure renderer: a neutral Message as an Adaptive Card (schema 1.5).
 *
 * Markup becomes the Markdown subset Teams renders in TextBlock text and in FactSet titles and
 * values (bold, italic, links, `- ` lists); everything else in a card (button titles, input
 * labels, choices) is plain text. Text that is not markup is escaped: Markdown characters get a
 * backslash, and `<`, `>` and `&` become entities, because HTML-looking text can stop Teams
 * rendering a card at all.
 *
 * Buttons submit `{ tp: 'action', actionId, value }`; a form submits `{ tp: 'form', formId, state }`
 * merged with its inputs' values (Teams puts each input's value under its id). A refused form is
 * drawn again with `fieldErrors` under the inputs and the person's `values` kept.
 */
import { DEFAULT_MAX_LENGTH, type Block, type Button, type FormInput, type Message } from '../../src/messages/model';
import { parseMarkup, type Span } from '../../src/messages/markup';

export const CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const CARD_VERSION = '1.5';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Keys of a submission's data that are not input values. */
export const SUBMIT_KEYS = ['tp', 'formId', 'state', 'actionId', 'value'] as const;

export interface ActionData {
  tp: 'action';
  actionId: string;
  value: string;
}

export interface FormData {
  tp: 'form';
  formId: string;
  state?: string;
}

export interface SubmitAction {
  type: 'Action.Submit';
  title: string;
  data: ActionData | FormData;
  style?: 'positive' | 'destructive';
}

export type CardElement = {
  type: string;
  separator?: boolean;
  [key: string]: unknown;
};

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: typeof CARD_SCHEMA;
  version: typeof CARD_VERSION;
  body: CardElement[];
  /** Teams draws cards narrow unless told to use the message's full width (agendas, lists). */
  msteams: { width: 'Full' };
}

/** A list that continues one cut by a split (adapters/teams/split.ts) numbers on from `start`. */
export type ListBlock = Extract<Block, { type: 'list' }> & { start?: number };

export interface RenderOptions {
  /** Input id → why the submitted value was refused; shown right under that input. */
  fieldErrors?: Record<string, string>;
  /** Input id → what the person entered; kept as the inputs' values when a form is drawn again. */
  values?: Record<string, string | undefined>;
}

// ---- text ------------------------------------------------------------------------------------

/** Escapes plain text for a Teams Markdown field. */
export function escapeTeamsText(text: string): string {
  return (
    text
      .replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'))
      .replace(/[\\*_[\]`~]/g, (ch) => `\\${ch}`)
      // A line that starts like a list item would become one.
      .replace(/^(\s*)([-+])(?=\s)/gm, '$1\\$2')
      .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.')
  );
}

/** A link target Teams Markdown cannot misread: no spaces, parentheses or angle brackets. */
function safeUrl(url: string): string {
  return url.replace(/[\s()<>]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function spansToTeams(spans: Span[]): string {
  return spans
    .map((s) => {
      switch (s.kind) {
        case 'text':
          return escapeTeamsText(s.text);
        case 'bold':
          return `**${spansToTeams(s.children)}**`;
        case 'italic':
          return `_${spansToTeams(s.children)}_`;
        case 'link':
          return `[${escapeTeamsText(s.label)}](${safeUrl(s.url)})`;
      }
    })
    .join('');
}

/**
 * The model's markup as Teams Markdown. A single line break needs a blank line in a TextBlock, so
 * line breaks are doubled.
 */
export function toTeamsMarkdown(markup: string): string {
  return spansToTeams(parseMarkup(markup)).replace(/\r?\n/g, '\n\n');
}

/** For list items and facts: one line each. */
function inlineMarkdown(markup: string): string {
  return spansToTeams(parseMarkup(markup.replace(/\s*\r?\n\s*/g, ' ')));
}

// ---- blocks ----------------------------------------------------------------------------------

function submitButton(button: Button): SubmitAction {
  const action: SubmitAction = {
    type: 'Action.Submit',
    title: button.label,
    data: { tp: 'action', actionId: button.actionId, value: button.value },
  };
  if (button.style === 'primary') action.style = 'positive';
  if (button.style === 'danger') action.style = 'destructive';
  return action;
}

/**
 * What a typed time may look like (as the core reads it): 07:45, 14:00, 2:30pm, 9 am, noon. Teams draws `Input.Time` as a
 * list in 30-minute steps (a school day starting 07:45 could not be chosen), so a time is typed and
 * read as the core reads any time (2:30 without am/pm falls inside the school day).
 */
export const TYPED_TIME_PATTERN = '^\\s*(([01]?\\d|2[0-3]):[0-5]\\d|(0?[1-9]|1[0-2])(:[0-5]\\d)?\\s*[aApP][mM]|[nN][oO][oO][nN])\\s*$';
const TYPED_TIME_HINT = 'like 07:45 or 2:30pm';

function requiredMessage(input: FormInput): string {
  return input.kind === 'choice' || input.kind === 'person' ? `Choose ${input.label.toLowerCase()}.` : `${input.label} is required.`;
}

function inputElement(input: FormInput, value: string | undefined): CardElement {
  const common: CardElement = { type: '', id: input.id };
  switch (input.kind) {
    case 'text':
    case 'longtext':
      common.type = 'Input.Text';
      if (input.kind === 'longtext') common.isMultiline = true;
      common.maxLength = input.maxLength ?? (input.kind === 'longtext' ? DEFAULT_MAX_LENGTH.longtext : DEFAULT_MAX_LENGTH.text);
      break;
    case 'choice':
    case 'person':
      if ((input.choices ?? []).length === 0) {
        // Nobody to choose from yet (a person list can be empty): a name typed instead still resolves.
        common.type = 'Input.Text';
        break;
      }
      common.type = 'Input.ChoiceSet';
      // People are found by typing part of a name (Teams' searchable list); other choices drop down.
      common.style = input.kind === 'person' ? 'filtered' : 'compact';
      common.choices = (input.choices ?? []).map((c) => ({ title: c.label, value: c.value }));
      break;
    case 'date':
      common.type = 'Input.Date';
      break;
    case 'time':
      common.type = 'Input.Text';
      common.regex = TYPED_TIME_PATTERN;
      common.maxLength = 10;
      break;
    case 'checkbox':
      // A toggle shows its own title; it always has a value, so it is never "required".
      return { type: 'Input.Toggle', id: input.id, title: input.label, valueOn: 'true', valueOff: 'false', value: value === 'true' ? 'true' : 'false' };
  }
  common.label = input.label;
  if (input.required) {
    common.isRequired = true;
    common.errorMessage = requiredMessage(input);
  }
  if (input.kind === 'time') common.errorMessage = `Type a time, ${TYPED_TIME_HINT}.`;
  if (input.placeholder) common.placeholder = input.placeholder;
  // The typed form is shown where the list would have been.
  if (input.kind === 'time') common.placeholder = `Type a time, ${TYPED_TIME_HINT}`;
  if (value !== undefined && value !== '') common.value = value;
  return common;
}

function formElements(block: Extract<Block, { type: 'form' }>, options: RenderOptions): CardElement[] {
  const out: CardElement[] = [{ type: 'TextBlock', text: escapeTeamsText(block.title), weight: 'Bolder', wrap: true }];
  for (const input of block.inputs) {
    const entered = options.values?.[input.id];
    out.push(inputElement(input, entered !== undefined ? entered : input.initial));
    if (input.hint) out.push({ type: 'TextBlock', text: escapeTeamsText(input.hint), isSubtle: true, size: 'Small', wrap: true, spacing: 'None' });
    const error = options.fieldErrors?.[input.id];
    if (error) out.push({ type: 'TextBlock', text: escapeTeamsText(error), color: 'Attention', size: 'Small', wrap: true, spacing: 'None' });
  }
  const data: FormData = { tp: 'form', formId: block.formId };
  if (block.state !== undefined) data.state = block.state;
  out.push({ type: 'ActionSet', actions: [{ type: 'Action.Submit', title: block.submitLabel, data, style: 'positive' } satisfies SubmitAction] });
  return out;
}

function blockElements(block: Block, options: RenderOptions): CardElement[] {
  switch (block.type) {
    case 'header':
      return [{ type: 'TextBlock', text: toTeamsMarkdown(block.text), size: 'Large', weight: 'Bolder', wrap: true }];
    case 'text':
      return [{ type: 'TextBlock', text: toTeamsMarkdown(block.text), wrap: true }];
    case 'fields':
      if (block.fields.length === 0) return [];
      return [{ type: 'FactSet', facts: block.fields.map((f) => ({ title: inlineMarkdown(f.label), value: inlineMarkdown(f.value) })) }];
    case 'list': {
      if (block.items.length === 0) return [];
      const start = (block as ListBlock).start ?? 1;
      return [
        {
          type: 'TextBlock',
          text: block.items.map((item, i) => `${block.ordered ? `${start + i}.` : '-'} ${inlineMarkdown(item)}`).join('\n'),
          wrap: true,
        },
      ];
    }
    case 'actions':
      if (block.buttons.length === 0) return [];
      return [{ type: 'ActionSet', actions: block.buttons.map(submitButton) }];
    case 'form':
      return formElements(block, options);
    case 'context':
      return [{ type: 'TextBlock', text: toTeamsMarkdown(block.text), isSubtle: true, size: 'Small', wrap: true }];
    case 'divider':
      return [];
  }
}

export function renderAdaptiveCard(msg: Message, options: RenderOptions = {}): AdaptiveCard {
  const body: CardElement[] = [];
  let separateNext = false;
  for (const block of msg.blocks) {
    if (block.type === 'divider') {
      // A divider is drawn as the separator line above whatever comes next.
      separateNext = body.length > 0;
      continue;
    }
    const elements = blockElements(block, options);
    if (elements.length === 0) continue;
    if (separateNext) {
      elements[0] = { ...elements[0], separator: true };
      separateNext = false;
    }
    body.push(...elements);
  }
  if (body.length === 0) body.push({ type: 'TextBlock', text: escapeTeamsText(msg.text), wrap: true });
  return { type: 'AdaptiveCard', $schema: CARD_SCHEMA, version: CARD_VERSION, body, msteams: { width: 'Full' } };
}
