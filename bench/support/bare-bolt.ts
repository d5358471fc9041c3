/**
 * Child-process entry for bench:slash — the comparison: a bare Bolt 5 App on the same kind of
 * receiver as the service (HTTPReceiver, signature verification on, processBeforeResponse false,
 * mounted on the service's HttpServer), whose slash-command handler only acks. Prints
 * {"port": N} on stdout when listening. Env: SLACK_SIGNING_SECRET, SLACK_API_URL.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { HttpServer } from '../../src/http/server';

void (async () => {
  const receiver = new HTTPReceiver({
    signingSecret: process.env.SLACK_SIGNING_SECRET!,
    endpoints: '/slack/events',
    processBeforeResponse: false,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    receiver,
    token: 'xoxb-bare',
    deferInitialization: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  });
  for (const root of ['/touchpoint', '/coaching']) {
    app.command(root, async ({ ack }) => {
      await ack();
    });
  }
  await app.init();
  const http = new HttpServer();
  http.route('POST', '/slack/events', (req, res) => receiver.requestListener(req, res));
  const address = await http.listen(0, '127.0.0.1');
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
})();
