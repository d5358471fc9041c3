/**
 * Bolt and the WebClient log through @slack/logger's interface (varargs); this forwards them to
 * the service's structured logger. Only strings and error messages are kept: objects Slack
 * libraries log may carry request bodies or tokens.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/core/ports';

function line(parts: unknown[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : typeof p === 'number' || typeof p === 'boolean' ? String(p) : '[object]'))
    .join(' ');
}

export function slackLogger(logger: Logger, name = 'slack'): SlackLogger {
  let level = LogLevel.INFO;
  let label = name;
  return {
    debug: (...msg: unknown[]) => logger.debug({ component: label }, line(msg)),
    info: (...msg: unknown[]) => logger.info({ component: label }, line(msg)),
    warn: (...msg: unknown[]) => logger.warn({ component: label }, line(msg)),
    error: (...msg: unknown[]) => logger.error({ component: label }, line(msg)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      label = n;
    },
  };
}
