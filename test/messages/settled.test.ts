/** What a settled message reads like: the pressed subject's buttons give way to the outcome; other items keep theirs. */
import { buttonsOf, type Message } from '../../src/messages/model';
import { settledMessage } from '../../src/messages/reply';
import { settledBlocks } from '../../adapters/slack/replies';
import type { KnownBlock } from '@slack/types';

const status: Message = {
  text: 'Your coaching requests',
  blocks: [
    { type: 'text', text: '#3 Classroom management — accepted' },
    {
      type: 'actions',
      buttons: [
        { actionId: 'coaching.reply', label: 'Reply on #3', value: '3' },
        { actionId: 'coaching.withdraw', label: 'Withdraw #3', value: '3' },
      ],
    },
    { type: 'text', text: '#5 Planning — waiting' },
    { type: 'actions', buttons: [{ actionId: 'coaching.withdraw', label: 'Withdraw #5', value: '5' }] },
  ],
};

const priorities: Message = {
  text: 'Shared priorities',
  blocks: [
    { type: 'header', text: 'Shared priorities' },
    {
      type: 'actions',
      buttons: [
        { actionId: 'priority.accept', label: 'Accept P1', value: '11' },
        { actionId: 'priority.keep', label: 'Keep mine P1', value: '11' },
        { actionId: 'priority.accept', label: 'Accept P2', value: '12' },
        { actionId: 'priority.keep', label: 'Keep mine P2', value: '12' },
      ],
    },
  ],
};

describe('settledMessage', () => {
  it('in a list, only the pressed item loses its buttons; the outcome stands where they were', () => {
    const settled = settledMessage(status, '✓ Withdrawn by Taylor Morgan, Mon 23 Nov', { actionId: 'coaching.withdraw', value: '3' });
    expect(buttonsOf(settled).map((b) => b.label)).toEqual(['Withdraw #5']);
    expect(settled.blocks[1]).toEqual({ type: 'context', text: '✓ Withdrawn by Taylor Morgan, Mon 23 Nov' });
  });

  it('in one row of buttons for several subjects, the other subjects’ buttons stay', () => {
    const settled = settledMessage(priorities, '✓ Accepted by Pat Rivera, Mon 23 Nov', { actionId: 'priority.accept', value: '11' });
    expect(buttonsOf(settled).map((b) => b.label)).toEqual(['Accept P2', 'Keep mine P2']);
    expect(settled.text).toBe('Shared priorities\n✓ Accepted by Pat Rivera, Mon 23 Nov');
  });

  it('a single-subject message (a proposal) loses every button', () => {
    const proposal: Message = {
      text: 'Pat Rivera proposes a touch-point.',
      blocks: [
        { type: 'text', text: 'Pat Rivera proposes a touch-point.' },
        {
          type: 'actions',
          buttons: [
            { actionId: 'booking.accept', label: 'Accept', value: '7' },
            { actionId: 'booking.decline', label: 'Decline', value: '7' },
          ],
        },
      ],
    };
    const settled = settledMessage(proposal, '✓ Accepted by Casey Lee, Mon 23 Nov', { actionId: 'booking.accept', value: '7' });
    expect(buttonsOf(settled)).toEqual([]);
    expect(settled.blocks.at(-1)).toEqual({ type: 'context', text: '✓ Accepted by Casey Lee, Mon 23 Nov' });
  });
});

describe('Slack settledBlocks', () => {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: '#3' } },
    {
      type: 'actions',
      elements: [
        { type: 'button', action_id: 'coaching.withdraw', text: { type: 'plain_text', text: 'Withdraw #3' }, value: '3' },
        { type: 'button', action_id: 'coaching.withdraw~5', text: { type: 'plain_text', text: 'Withdraw #5' }, value: '5' },
      ],
    },
  ];
  it('keeps the other subjects’ buttons of the pressed block', () => {
    const out = settledBlocks(blocks, '✓ Withdrawn', { actionId: 'coaching.withdraw', value: '3' });
    expect(out.map((b) => b.type)).toEqual(['section', 'context', 'actions']);
    const actions = out[2] as Extract<KnownBlock, { type: 'actions' }>;
    expect(actions.elements.map((e) => (e as { value?: string }).value)).toEqual(['5']);
  });
});
