/** The console's meta-commands, driven in-process through streams: :home, :who, :press, :advance, bad input. */
import { PassThrough } from 'node:stream';
import { ConsoleSession } from '../../../adapters/console/session';
import { seedDemo } from '../../../adapters/console/demo';
import { buildCore } from '../../../src/compose';
import { SettableClock } from '../../../src/core/ports';

async function session(lines: string[]): Promise<string> {
  const clock = new SettableClock(new Date('2026-11-23T15:00:00Z'));
  const core = buildCore({ databasePath: ':memory:', clock, deliverImmediately: false });
  seedDemo(core.services, clock.now());
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c: Buffer) => (printed += c.toString()));
  const adapter = new ConsoleSession({
    app: core.app,
    services: core.services,
    clock,
    tick: async () => {
      await core.scheduler.tick();
    },
    deliver: async () => {
      await core.dispatcher.dispatchDue();
    },
    nextDueAt: () => core.services.outbox.nextDueAt(),
    input,
    output,
    startAs: 'pat',
  });
  core.dispatcher.addNotifier(adapter.notifier);
  const done = adapter.run();
  input.end(lines.join('\n') + '\n');
  await done;
  core.close();
  return printed;
}

describe('console meta-commands', () => {
  it(':home shows the next touch-point and the agenda so far', async () => {
    const out = await session(['/touchpoint book @casey weekly tue 14:00', ':as casey', ':press 1', '/touchpoint add wins Great week', ':home']);
    expect(out).toContain('Your next touch-points\n  • With Pat Rivera: Tue 24 Nov 2026, 14:00–14:30 EST (weekly on Tuesdays, 14:00–14:30)');
    expect(out).toContain('Agenda so far with Pat Rivera\n  • Great week — Wins and bright spots');
  });

  it(':press on a settling button prints its outcome, and the used buttons are gone', async () => {
    const out = await session(['/touchpoint book @casey weekly tue 14:00', ':as casey', ':press 2', ':press 1']);
    expect(out).toContain('(pressed "Decline")\n✓ Declined by Casey Lee, Mon 23 Nov');
    expect(out).toContain('There is no button to press in the latest message shown to you.');
  });

  it(':advance delivers what falls due, in order, and bad meta input gets its usage line', async () => {
    const out = await session([
      '/touchpoint book @casey weekly tue 14:00',
      ':as casey',
      ':press 1',
      ':advance soon',
      ':press 9',
      ':as',
      ':frobnicate',
      ':advance 1d',
    ]);
    expect(out).toContain('"soon" is not a span of time (use 30m, 2h, 3d, 1w or 1d2h)\nUsage: :advance <span>, e.g. :advance 2d');
    expect(out).toContain('Usage: :press <n> — pick 1 to');
    expect(out).toContain('Usage: :as <user>, e.g. :as casey');
    expect(out).toContain('Unknown console command ":frobnicate". Type :help.');
    const prompt = out.indexOf('DM to Casey Lee (@casey):\n   Agenda prompt');
    expect(prompt).toBeGreaterThan(0);
    expect(out).toContain('⏩ It is now Tue 24 Nov 2026, 10:00 EST.');
  });
});
