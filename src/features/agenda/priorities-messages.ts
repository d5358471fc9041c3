/**
 * What shared priorities say: the list (with the proposals that wait), the proposal DM with
 * Accept / Keep mine, the answers, and the "→ P2" marker of an item that serves a priority.
 * Lines are built plain and escaped where they go into blocks.
 */
import type { User } from '../../core/model';
import type { Priority, PriorityProposal } from '../../core/ports';
import { escapeMarkup as esc, type Block, type Button, type Choice, type Message } from '../../messages/model';
import { textMessage } from '../../messages/reply';
import { otherPerson, type SeriesView } from '../booking/service';

/** How the help text and the list explain who owns the priorities. */
export const PRIORITIES_OWNED =
  'Both of you own them: a change (a new one, new wording, clearing one) is proposed to the other person, who accepts it or keeps the current one.';

const quoted = (text: string): string => `“${text}”`;

/** The marker of an item or action item that serves a priority: " → P2" (nothing when untagged). */
export const priorityMarker = (slot: number | null | undefined): string => (slot ? ` → P${slot}` : '');

/** The name of a person as the viewer reads it: "you" for themselves. */
function nameFor(view: SeriesView, viewer: User, userId: number): string {
  if (userId === viewer.id) return 'you';
  return [view.principal, view.coach].find((u) => u.id === userId)?.displayName ?? 'someone';
}

/** One slot of the list: the agreed wording (or the proposed one, for an empty slot) and what waits. */
export interface PriorityRow {
  slot: number;
  line: string;
}

/** The slots in use, each with its agreed wording and the open proposal on it, as the viewer reads them. */
export function priorityRows(view: SeriesView, viewer: User, list: Priority[], proposals: PriorityProposal[]): PriorityRow[] {
  const slots = [...new Set([...list.map((p) => p.slot), ...proposals.map((p) => p.slot)])].sort();
  return slots.map((slot) => {
    const current = list.find((p) => p.slot === slot);
    const proposal = proposals.find((p) => p.slot === slot);
    if (!proposal) return { slot, line: current!.text };
    const by = nameFor(view, viewer, proposal.proposedBy);
    const waiting = nameFor(view, viewer, proposal.proposedBy === view.principal.id ? view.coach.id : view.principal.id);
    if (!current) return { slot, line: `${proposal.text ?? ''} (proposed by ${by}, waiting for ${waiting})` };
    if (proposal.text === null) return { slot, line: `${current.text} (clearing proposed by ${by}, waiting for ${waiting})` };
    return { slot, line: `${current.text} (change proposed by ${by}, waiting for ${waiting}: ${quoted(proposal.text)})` };
  });
}

/** `priorities`: the list, with what waits for whom, and how to change it. */
export function prioritiesMessage(view: SeriesView, viewer: User, list: Priority[], proposals: PriorityProposal[]): Message {
  const rows = priorityRows(view, viewer, list, proposals).map((r) => `${r.slot}. ${r.line}`);
  const help = `At most three, at the top of every agenda. ${PRIORITIES_OWNED} /touchpoint priorities set <1-3> <text> · add <text> · clear <1-3> · withdraw <1-3> · accept <1-3> · keep <1-3>`;
  const listText = rows.length ? `Shared priorities with ${otherPerson(view, viewer).displayName}:\n${rows.join('\n')}` : 'No shared priorities yet.';
  // What waits for the viewer can be answered here, and their own proposals withdrawn.
  const buttons: Button[] = proposals.flatMap((p): Button[] => {
    const value = String(p.id);
    if (p.proposedBy === viewer.id) return [{ actionId: 'priority.withdraw', label: `Withdraw P${p.slot}`, value }];
    const current = list.some((x) => x.slot === p.slot);
    return [
      { actionId: 'priority.accept', label: `Accept P${p.slot}`, value, style: 'primary' },
      { actionId: 'priority.keep', label: current ? `Keep mine P${p.slot}` : `Leave P${p.slot} empty`, value },
    ];
  });
  return {
    text: listText,
    blocks: [
      { type: 'header', text: 'Shared priorities' },
      rows.length ? { type: 'list', items: rows.map(esc) } : { type: 'context', text: 'None yet.' },
      ...(buttons.length ? [{ type: 'actions' as const, buttons }] : []),
      { type: 'context', text: esc(help) },
    ],
  };
}

/** The agreed priorities as choices for a tag (forms). */
export const priorityChoices = (list: Priority[]): Choice[] =>
  list.map((p) => ({ value: String(p.slot), label: `${p.slot}. ${p.text.length > 60 ? `${p.text.slice(0, 59)}…` : p.text}` }));

/** "stays “X”" or "stays empty". */
const stays = (current: Priority | undefined): string => (current ? `stays ${quoted(current.text)}` : 'stays empty');

// ---- proposing ----------------------------------------------------------------------------------

/** To the proposer: what was proposed to whom, what stands until then, and a Withdraw button. */
export function proposedMessage(other: User, proposal: PriorityProposal, current: Priority | undefined): Message {
  const what =
    proposal.text === null ? `clear priority ${proposal.slot} (${quoted(current?.text ?? '')})` : `priority ${proposal.slot}, ${quoted(proposal.text)}`;
  const line = `Proposed to ${other.displayName}: ${what}. Until ${other.displayName} accepts, priority ${proposal.slot} ${stays(current)}.`;
  return {
    text: line,
    blocks: [
      { type: 'text', text: esc(line) },
      { type: 'actions', buttons: [{ actionId: 'priority.withdraw', label: 'Withdraw', value: String(proposal.id) }] },
    ],
  };
}

export const alreadyProposedMessage = (other: User, slot: number): Message =>
  textMessage(`That proposal for priority ${slot} already waits for ${other.displayName}; nothing changed.`);

/** The one DM that asks the other person: the current and the proposed wording, Accept / Keep mine. */
export function proposalMessage(by: User, proposal: PriorityProposal, current: Priority | undefined, replacedOwn: PriorityProposal | undefined): Message {
  const slot = proposal.slot;
  const first =
    proposal.text === null
      ? `${by.displayName} proposes clearing shared priority ${slot}.`
      : current
        ? `${by.displayName} proposes new wording for shared priority ${slot}.`
        : `${by.displayName} proposes shared priority ${slot}: ${quoted(proposal.text)}.`;
  const now = `Now: ${current ? quoted(current.text) : 'not set'}`;
  const proposed = `Proposed: ${proposal.text === null ? 'clear it' : quoted(proposal.text)}`;
  const replaces = replacedOwn ? `This replaces your own proposal for it (${replacedOwn.text === null ? 'clear it' : quoted(replacedOwn.text)}).` : undefined;
  const until = 'Until you accept, the current one stands.';
  const lines = [first, now, proposed, ...(replaces ? [replaces] : []), until];
  const blocks: Block[] = [
    { type: 'header', text: 'Shared priority' },
    { type: 'text', text: esc(first) },
    {
      type: 'fields',
      fields: [
        { label: 'Now', value: current ? esc(quoted(current.text)) : 'not set' },
        { label: 'Proposed', value: proposal.text === null ? 'clear it' : esc(quoted(proposal.text)) },
      ],
    },
    ...(replaces ? [{ type: 'context' as const, text: esc(replaces) }] : []),
    { type: 'context', text: esc(until) },
    {
      type: 'actions',
      buttons: [
        { actionId: 'priority.accept', label: 'Accept', value: String(proposal.id), style: 'primary' },
        { actionId: 'priority.keep', label: current ? 'Keep mine' : 'Leave it empty', value: String(proposal.id) },
      ],
    },
  ];
  return { text: lines.join('\n'), blocks };
}

// ---- answers --------------------------------------------------------------------------------------

const outcome = (proposal: PriorityProposal): string =>
  proposal.text === null ? `shared priority ${proposal.slot} is cleared` : `shared priority ${proposal.slot} is now ${quoted(proposal.text)}`;

export const acceptedMessage = (proposer: User, proposal: PriorityProposal): Message =>
  textMessage(`Accepted: ${outcome(proposal)}. ${proposer.displayName} has been told.`);

export const acceptedNotice = (by: User, proposal: PriorityProposal): Message => textMessage(`${by.displayName} accepted: ${outcome(proposal)}.`);

export const keptMessage = (proposer: User, proposal: PriorityProposal, current: Priority | undefined): Message =>
  textMessage(`Kept: shared priority ${proposal.slot} ${stays(current)}. ${proposer.displayName} has been told.`);

export const keptNotice = (by: User, proposal: PriorityProposal, current: Priority | undefined): Message =>
  textMessage(
    current
      ? `${by.displayName} kept shared priority ${proposal.slot} as it is: ${quoted(current.text)}.`
      : `${by.displayName} left shared priority ${proposal.slot} empty rather than ${quoted(proposal.text ?? '')}.`,
  );

export const withdrawnMessage = (proposal: PriorityProposal, current: Priority | undefined): Message =>
  textMessage(`Withdrawn: shared priority ${proposal.slot} ${stays(current)}.`);

export const withdrawnNotice = (by: User, proposal: PriorityProposal): Message =>
  textMessage(`${by.displayName} withdrew their proposal for shared priority ${proposal.slot}; nothing changed.`);
