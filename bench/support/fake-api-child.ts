/**
 * Child-process entry: the fake Slack Web API (test/drills/support/fake-web-api.ts) in a process of
 * its own, so its work does not share the event loop of the process being measured. Controlled
 * over IPC by bench/support/fake-api.ts.
 */
import { startFakeWebApi, type RateLimit } from '../../test/drills/support/fake-web-api';

interface Command {
  id: number;
  op: 'configure' | 'stats' | 'perChannel' | 'responseArrivals' | 'reset' | 'stop';
  rateLimit?: RateLimit | null;
  postKey?: 'channel+text' | 'text';
}

void (async () => {
  const fake = await startFakeWebApi();
  process.on('message', (msg: Command) => {
    const reply = (result: unknown): void => void process.send!({ id: msg.id, result });
    switch (msg.op) {
      case 'configure':
        if (msg.rateLimit !== undefined) fake.rateLimit = msg.rateLimit ?? undefined;
        if (msg.postKey === 'text') fake.postKey = (b) => b.text ?? '';
        fake.reset();
        return reply(true);
      case 'reset':
        fake.reset();
        return reply(true);
      case 'stats':
        return reply(fake.stats());
      case 'responseArrivals': {
        const arrivals = Object.fromEntries(fake.responseArrivals);
        fake.responseArrivals.clear();
        return reply(arrivals);
      }
      case 'perChannel': {
        // distinct posts per channel (keys are channel \0 text)
        const out: Record<string, number> = {};
        for (const key of fake.posts.keys()) {
          const channel = key.split('\u0000')[0];
          out[channel] = (out[channel] ?? 0) + 1;
        }
        return reply(out);
      }
      case 'stop':
        void fake.stop().then(() => {
          reply(true);
          process.exit(0);
        });
        return;
    }
  });
  process.send!({ ready: fake.url });
})();
