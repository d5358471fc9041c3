/**
 * Every kind of message the core produces today, for the renderers' sweeps: bookings, buttons
 * pressed, DMs, help, errors, forms, homes, every registered command bare and with its example as
 * each role, and the Teams adapter's own messages.
 */
import { COACHING_IN_CHANNEL, WELCOME } from '../../../adapters/teams/bot';
import type { Message } from '../../../src/messages/model';
import { buttonsOf } from '../../../src/messages/model';
import { createHarness, seedDemoSchool, type Harness } from '../../support/harness';

export interface Produced {
  what: string;
  message: Message;
}

/** Runs the sweep on a fresh demo school; close the harness when done. */
export async function produceEveryMessage(): Promise<{ h: Harness; produced: Produced[] }> {
  const produced: Produced[] = [];
  const collect = (what: string, messages: Message[]): Message[] => {
    messages.forEach((message, i) => produced.push({ what: messages.length > 1 ? `${what} #${i + 1}` : what, message }));
    return messages;
  };
  const h = createHarness();
  seedDemoSchool(h);
  const run = (who: string, text: string, root: 'touchpoint' | 'coaching' = 'touchpoint'): Message[] =>
    collect(`${who}: /${root} ${text}`, h.run(who, text, { root }).messages);

  // Booking: proposal (a DM), booked, next, skip with Undo, cancel confirmation, closure with Undo.
  run('pat', 'book @casey weekly tue 14:00');
  collect(
    'DMs after book',
    (await h.deliver()).map((d) => d.message),
  );
  const proposal = produced.find((p) => p.message.blocks.some((b) => b.type === 'header' && b.text === 'Touch-point proposal'))!.message;
  collect('casey presses Accept', h.press('casey', proposal, 'Accept').messages);
  collect(
    'DMs after accept',
    (await h.deliver()).map((d) => d.message),
  );
  run('pat', 'next');
  run('casey', 'next');
  const skipped = run('pat', 'skip state testing');
  collect('pat presses Undo skip', h.press('pat', skipped[0], 'Undo skip').messages);
  run('pat', 'move thu 10:30');
  const cancel = run('pat', 'cancel');
  collect('pat presses Keep it', h.press('pat', cancel[0], 'Keep it').messages);
  const closed = run('pat', 'closed 2026-12-21..2027-01-01 Winter break');
  collect('pat presses Undo', h.press('pat', closed[0], buttonsOf(closed[0])[0].label).messages);
  run('pat', 'pause until 2027-01-05');
  run('pat', 'resume');
  collect(
    'DMs along the way',
    (await h.deliver()).map((d) => d.message),
  );

  // Help, errors, forms, home.
  run('pat', 'help');
  run('taylor', 'help', 'coaching');
  run('pat', 'frobnicate');
  run('pat', 'book @casey fortnightly tue 14:00');
  run('taylor', 'book @casey weekly tue 14:00');
  for (const name of ['book', 'setup', 'move', 'closed']) run('pat', name);
  collect('home of pat', [h.core.app.home({ identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'pat', handle: 'pat' } })]);
  collect('home of taylor', [h.core.app.home({ identity: { platform: 'console', tenantExternalId: 'local', userExternalId: 'taylor', handle: 'taylor' } })]);

  // Every registered command, bare and with its own example, as each role: whatever exists today.
  for (const who of ['pat', 'casey', 'taylor']) {
    for (const spec of h.core.app.registry.list()) {
      run(who, spec.name, spec.root);
      run(who, `${spec.name} ${spec.example.split(' ').slice(1).join(' ')}`.trim(), spec.root);
    }
  }
  collect(
    'DMs at the end',
    (await h.deliver()).map((d) => d.message),
  );

  // The adapter's own messages.
  collect('welcome', [WELCOME]);
  collect('coaching in a channel', [COACHING_IN_CHANNEL]);
  return { h, produced };
}
