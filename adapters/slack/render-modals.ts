/**
 * A message carrying a form, as a Slack modal view (views.open): the form's inputs become input
 * blocks, and what the modal must carry through its submission goes in its private_metadata.
 * Pure; reading the submission back is read-submissions.ts.
 */
import type { InputBlock, InputBlockElement, KnownBlock, ModalView, PlainTextElement, PlainTextOption } from '@slack/types';
import { DEFAULT_MAX_LENGTH, type Block, type FormInput, type Message } from '../../src/messages/model';
import { LIMITS } from './limits';
import { clip, plain } from './mrkdwn';

/** A choice that names a person the bot knows (`<@tp:42>`, see core/app.ts). */
const INTERNAL_PERSON = /^<@tp:\d+>$/;
import { renderBlocks, type RenderState } from './render-block-kit';

/** What a modal carries through its submission (the form's own state, and where to answer). */
export interface ModalMeta {
  state?: string;
  /** The slash command's response_url: the reply to the submission goes back to that conversation. */
  responseUrl?: string;
  /** When Slack issued `responseUrl` (ms since the epoch): past 30 minutes the reply goes by DM. */
  responseUrlIssuedAt?: number;
}

function option(label: string, value: string): PlainTextOption {
  return { text: plain(label, LIMITS.optionText), value };
}

function inputElement(input: FormInput): { element: InputBlockElement; hint?: string } {
  const placeholder = input.placeholder ? plain(input.placeholder, LIMITS.placeholder) : undefined;
  const textInput = (multiline: boolean, hint?: string): { element: InputBlockElement; hint?: string } => ({
    element: {
      type: 'plain_text_input',
      action_id: input.id,
      ...(multiline ? { multiline: true } : {}),
      max_length: input.maxLength ?? (multiline ? DEFAULT_MAX_LENGTH.longtext : DEFAULT_MAX_LENGTH.text),
      ...(input.initial ? { initial_value: clip(input.initial, LIMITS.plainTextInitial) } : {}),
      ...(placeholder ? { placeholder } : {}),
    },
    hint,
  });
  switch (input.kind) {
    case 'text':
      return textInput(false);
    case 'longtext':
      return textInput(true);
    case 'choice':
    case 'person': {
      // Only people to pick: Slack's own user picker (anyone in the workspace, found by name as they
      // type); the pick comes back as a mention, resolved like one typed in a command. A person
      // input with other answers too ("Not about a person") stays a select of its choices.
      if (input.kind === 'person' && (input.choices ?? []).every((c) => INTERNAL_PERSON.test(c.value))) {
        return { element: { type: 'users_select', action_id: input.id, ...(placeholder ? { placeholder } : {}) } };
      }
      const options = (input.choices ?? []).filter((c) => c.value.length <= LIMITS.optionValue).map((c) => option(c.label, c.value));
      // No choices (nobody to pick yet) or more than a select holds: let them type it instead.
      if (options.length === 0 || options.length > LIMITS.selectOptions) {
        return textInput(false, input.kind === 'person' ? 'Type a name or an @mention' : undefined);
      }
      const initial = options.find((o) => o.value === input.initial);
      return {
        element: {
          type: 'static_select',
          action_id: input.id,
          options,
          ...(initial ? { initial_option: initial } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
      };
    }
    case 'date':
      return {
        element: {
          type: 'datepicker',
          action_id: input.id,
          ...(input.initial && /^\d{4}-\d{2}-\d{2}$/.test(input.initial) ? { initial_date: input.initial } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
      };
    case 'time':
      return {
        element: {
          type: 'timepicker',
          action_id: input.id,
          ...(input.initial && /^\d{2}:\d{2}$/.test(input.initial) ? { initial_time: input.initial } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
      };
    case 'checkbox': {
      const only = option(input.label, 'true');
      return {
        element: { type: 'checkboxes', action_id: input.id, options: [only], ...(input.initial === 'true' ? { initial_options: [only] } : {}) },
      };
    }
  }
}

function inputBlock(input: FormInput): InputBlock {
  const { element, hint } = inputElement(input);
  const hintText = input.hint ?? hint;
  return {
    type: 'input',
    block_id: input.id,
    label: plain(input.label, LIMITS.inputLabel),
    optional: !input.required,
    element,
    ...(hintText ? { hint: plain(hintText, LIMITS.inputHint) } : {}),
  };
}

/**
 * A modal's title holds 24 characters. A longer one is shortened at a word ("Move the next…")
 * and shown in full as the modal's first block, so nothing of it is lost.
 */
function modalTitle(title: string): { title: PlainTextElement; header: KnownBlock[] } {
  const t = title.replace(/\s+/g, ' ').trim();
  if (t.length <= LIMITS.modalTitle) return { title: plain(t, LIMITS.modalTitle), header: [] };
  const space = t.lastIndexOf(' ', LIMITS.modalTitle - 1);
  const short = space >= 8 ? `${t.slice(0, space).replace(/[\s,.;:—–-]+$/, '')}…` : clip(t, LIMITS.modalTitle);
  return { title: plain(short, LIMITS.modalTitle), header: [{ type: 'header', text: plain(t, LIMITS.headerText) }] };
}

function encodeMeta(meta: ModalMeta): string {
  const full = JSON.stringify(meta);
  if (full.length <= LIMITS.privateMetadata) return full;
  const withoutUrl = JSON.stringify({ state: meta.state });
  if (withoutUrl.length <= LIMITS.privateMetadata) return withoutUrl;
  throw new RangeError(`form state is ${meta.state?.length ?? 0} characters; Slack's private_metadata holds ${LIMITS.privateMetadata}`);
}

/**
 * A message carrying a form, as a modal: the form's inputs become input blocks (block_id and
 * action_id are the input id), callback_id is the form id, and the other blocks of the message
 * are shown above the inputs.
 */
export function renderModal(msg: Message, meta: Omit<ModalMeta, 'state'> = {}): ModalView {
  const form = msg.blocks.find((b): b is Extract<Block, { type: 'form' }> => b.type === 'form');
  if (!form) throw new Error('renderModal: the message has no form');
  const state: RenderState = { buttons: 0 };
  const { title, header } = modalTitle(form.title);
  const allInputs = form.inputs.map(inputBlock);
  // A modal holds 100 blocks: every input fits unless a form has more than 99 (a notes form of
  // ~90 open items); then the ones that do not fit are named in a notice, never dropped silently.
  const room = LIMITS.viewBlocks - header.length;
  const inputs = allInputs.length <= room ? allInputs : allInputs.slice(0, room - 1);
  const left = allInputs.length - inputs.length;
  const notice: KnownBlock[] = left
    ? [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: `_Slack shows ${inputs.length} of ${allInputs.length} fields here; the other ${left} are left as they are._` }],
        },
      ]
    : [];
  const others = renderBlocks(
    msg.blocks.filter((b) => b.type !== 'form'),
    state,
  ).slice(0, room - inputs.length - notice.length);
  return {
    type: 'modal',
    callback_id: form.formId.slice(0, LIMITS.callbackId),
    title,
    submit: plain(form.submitLabel, LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    private_metadata: encodeMeta({ ...(form.state !== undefined ? { state: form.state } : {}), ...meta }),
    blocks: [...header, ...notice, ...others, ...inputs],
  };
}
