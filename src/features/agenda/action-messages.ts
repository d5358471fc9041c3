/**
 * What `actions` shows (mine, ours, recently done; each open item with Done / Re-date / Reassign),
 * the re-date form, and what the other person is told when an item of theirs changes. User text
 * is escaped in blocks; the fallback text carries the substance.
 */
import type { User } from '../../core/model';
import { formatLocalDate, type LocalDate } from '../../core/datetime';
import type { ActionItem } from '../../core/ports';
import { escapeMarkup as esc, type Block, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';

/** An action item with what the list needs around it: its owner, the person to hand it to, how overdue. */
export interface ListedAction {
  action: ActionItem;
  owner: User;
  /** The other member of the partnership (Reassign hands the item to them). */
  other: User;
  overdue?: string;
}

const SHOWN = 10;

/** How to act on an item by its number, for those who type rather than press. */
const TYPED_HINT = 'Or type /touchpoint actions done|redate|reassign <n> (redate also takes the new date).';

/** `first` is the number of the first item (mine count from 1, ours go on from there). */
function openBlocks(items: ListedAction[], withOwner: boolean, first: number): Block[] {
  return items.slice(0, SHOWN).flatMap(({ action: a, owner, other, overdue }, i): Block[] => [
    {
      type: 'text',
      text: `${first + i}. ${esc(a.text)} — _${withOwner ? `${esc(owner.displayName)}, ` : ''}due ${esc(formatLocalDate(a.dueDate))}${overdue ? `, ${overdue}` : ''}_`,
    },
    {
      type: 'actions',
      buttons: [
        { actionId: 'action.done', label: 'Done', value: String(a.id), style: 'primary' },
        { actionId: 'action.redate', label: 'Re-date', value: String(a.id) },
        { actionId: 'action.reassign', label: `Reassign to ${other.displayName}`, value: `${a.id}:${other.id}` },
      ],
    },
  ]);
}

const fallbackLine = ({ action: a, owner, overdue }: ListedAction, n: number): string =>
  `${n}. ${a.text} (${owner.displayName}, due ${formatLocalDate(a.dueDate)}${overdue ? `, ${overdue}` : ''})`;

/** `actions`: open items first (overdue at the top), mine then ours, then those done lately. */
export function actionsMessage(mine: ListedAction[], ours: ListedAction[], done: ListedAction[], recentDays: number): Message {
  const blocks: Block[] = [{ type: 'header', text: 'Action items' }];
  const more = (n: number): Block[] => (n > SHOWN ? [{ type: 'context', text: `and ${n - SHOWN} more` }] : []);
  blocks.push({ type: 'text', text: '**Mine**' });
  blocks.push(...(mine.length ? [...openBlocks(mine, false, 1), ...more(mine.length)] : [{ type: 'context' as const, text: 'Nothing open.' }]));
  blocks.push({ type: 'text', text: '**Ours** (the other person’s, in your partnerships)' });
  blocks.push(...(ours.length ? [...openBlocks(ours, true, mine.length + 1), ...more(ours.length)] : [{ type: 'context' as const, text: 'Nothing open.' }]));
  if (done.length) {
    blocks.push({ type: 'text', text: `**Recently done** (last ${recentDays} days)` });
    blocks.push({ type: 'list', items: done.slice(0, SHOWN).map(({ action: a, owner }) => `${esc(a.text)} — _${esc(owner.displayName)}_`) });
  }
  if (mine.length + ours.length) blocks.push({ type: 'context', text: esc(TYPED_HINT) });
  const lines = [
    'Your action items.',
    ...(mine.length ? ['Mine:', ...mine.map((l, i) => fallbackLine(l, i + 1))] : ['Mine: nothing open.']),
    ...(ours.length ? ['Ours:', ...ours.map((l, i) => fallbackLine(l, mine.length + i + 1))] : ['Ours: nothing open.']),
    ...(done.length ? ['Recently done:', ...done.map(({ action: a, owner }) => `${a.text} (${owner.displayName})`)] : []),
  ];
  return { text: lines.join('\n'), blocks };
}

export function redateForm(action: ActionItem): Message {
  return {
    text: `New due date for: ${action.text}`,
    blocks: [
      {
        type: 'form',
        formId: `action.redate:${action.id}`,
        title: 'Re-date an action item',
        submitLabel: 'Save',
        inputs: [{ id: 'due', label: `New due date for: ${action.text}`, kind: 'date', required: true, initial: action.dueDate }],
      },
    ],
  };
}

export const redatedMessage = (a: ActionItem, due: LocalDate): Message => textMessage(`Now due ${formatLocalDate(due)}: ${a.text}`);
export const reassignedMessage = (a: ActionItem, to: User): Message => textMessage(`Now ${to.displayName}’s: ${a.text}`);

/** The owner (or former owner) hears once when someone else changes their item. */
export function actionChangedNotice(by: User, a: ActionItem, change: { done: true } | { due: LocalDate } | { to: User }): Message {
  if ('done' in change) return textMessage(`${by.displayName} marked done: ${a.text}`);
  if ('due' in change) return textMessage(`${by.displayName} moved the due date to ${formatLocalDate(change.due)}: ${a.text}`);
  return textMessage(`${by.displayName} handed this action item to ${change.to.displayName}: ${a.text}`);
}
