/**
 * A request's id reaches every log line its work writes — the handler's, and those of work it
 * starts and does not await (a delivery pass) — and is echoed to the caller.
 */
import { request } from 'node:http';
import { captureLog as capture } from '../support/log-capture';
import { createLogger } from '../../src/logger';
import { HttpServer, sendJson } from '../../src/http/server';

function post(port: number, headers: Record<string, string>): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/work', method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['x-request-id'] as string | undefined));
    })
      .on('error', reject)
      .end();
  });
}

describe('request ids', () => {
  it('are on the handler’s log lines and on the lines of the work it started, and echoed', async () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    const http = new HttpServer(logger);
    let later: Promise<void> = Promise.resolve();
    http.route('POST', '/work', (_req, res) => {
      logger.info({}, 'handling');
      // Work that outlives the request (as a delivery pass kicked by a command does).
      later = new Promise<void>((done) => setImmediate(() => done())).then(() => logger.info({ outboxId: 7 }, 'outbox row sent'));
      sendJson(res, 200, { ok: true });
    });
    const { port } = await http.listen(0, '127.0.0.1');
    try {
      const echoed = await post(port, { 'x-request-id': 'req-abc-123' });
      await later;
      const generated = await post(port, {});
      await later;
      expect(echoed).toBe('req-abc-123');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      const lines = out.lines().map((l) => [l.msg, l.requestId]);
      expect(lines).toEqual([
        ['handling', 'req-abc-123'],
        ['outbox row sent', 'req-abc-123'],
        ['handling', generated],
        ['outbox row sent', generated],
      ]);
      logger.info({}, 'outside any request');
      expect(out.lines().at(-1)).not.toHaveProperty('requestId');
    } finally {
      await http.close();
    }
  });
});
