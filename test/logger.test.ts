/** The structured logger: JSON lines, secrets cut, and no secret tokens from request paths. */
import { captureLog as capture } from './support/log-capture';
import { createLogger } from '../src/logger';
import { loggablePath } from '../src/http/server';

describe('the logger', () => {
  it('writes one JSON object per line with level, message and service', () => {
    const out = capture();
    const logger = createLogger('info', out.stream);
    logger.info({ tenantId: 3, outboxId: 17 }, 'outbox send failed; will retry');
    logger.debug({ hidden: true }, 'below the level');
    const [line] = out.lines();
    expect(out.lines()).toHaveLength(1);
    expect(line).toMatchObject({ level: 30, msg: 'outbox send failed; will retry', service: 'touchpoint', tenantId: 3, outboxId: 17 });
  });

  it('cuts tokens, passwords and authorization headers', () => {
    const out = capture();
    createLogger('info', out.stream).info(
      { slack: { botToken: 'xoxb-secret', signingSecret: 's3cret' }, req: { headers: { authorization: 'Bearer abc' } } },
      'config',
    );
    const text = JSON.stringify(out.lines()[0]);
    expect(text).not.toMatch(/xoxb-secret|s3cret|Bearer abc/);
    expect(text).toContain('[redacted]');
  });

  it('logs feed and export paths without their secret token', () => {
    expect(loggablePath('/calendar/abcDEF123_-xyz.ics')).toBe('/calendar/[token]');
    expect(loggablePath('/export/abcDEF123.json')).toBe('/export/[token]');
    expect(loggablePath('/slack/events')).toBe('/slack/events');
  });
});
