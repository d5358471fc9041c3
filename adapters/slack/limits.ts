/**
 * Block Kit's limits, in one place for the renderers (docs.slack.dev; the type comments of
 * @slack/types say the same unless noted):
 * - 50 blocks per message, 100 in modals and Home tabs — https://docs.slack.dev/reference/block-kit/blocks
 * - section `text` 1–3000 characters; `fields` at most 10, each at most 2000 — section block reference
 * - header text at most 150 characters — header block reference
 * - actions block at most 25 elements — actions block reference
 * - button text at most 75, value at most 2000, action_id at most 255 — button element reference
 * - context block at most 10 elements; a text object at most 3000 — context block / text object reference
 * - modal title, submit and close at most 24; private_metadata at most 3000; callback_id at most 255 — views reference
 * - input label and hint at most 2000; placeholder at most 150 — input block reference
 * - option text at most 75, value at most 150 (docs.slack.dev option object; @slack/types still says 75);
 *   static_select at most 100 options; checkboxes at most 10 options
 * - block_id at most 255
 */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  contextText: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  selectOptions: 100,
  plainTextInitial: 3000,
  /** chat.postMessage truncates `text` beyond 40,000 characters (chat.postMessage reference). */
  messageText: 40_000,
} as const;
