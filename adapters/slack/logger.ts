/**
 * Bolt and the WebClient log through @slack/logger's interface (varargs); this forwards them to
 * the service's structured logger. Only strings and error messages are kept: objects Slack
 * libraries log may carry request bodies or tokens.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/core/ports';

/**
 * Library strings can embed a whole payload (Socket Mode logs every message it receives), and a
 * payload holds what people typed: anything that looks like JSON is cut, and lines are capped.
 */
export function scrub(text: string): string {
  const cut = text.replace(/[{[][\s\S]*[}\]]/g, '[payload]');
  return cut.length > 300 ? `${cut.slice(0, 300)}…` : cut;
}

function line(parts: unknown[]): string {
  return scrub(
    parts
      .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : typeof p === 'number' || typeof p === 'boolean' ? String(p) : '[object]'))
      .join(' '),
  );
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
