/** The service's one structured logger: JSON lines on stderr (stdout belongs to the console adapter). */
import pino from 'pino';
import type { Logger } from './core/ports';

export type PinoLogger = pino.Logger;

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): PinoLogger {
  return pino({
    level,
    base: { service: 'touchpoint' },
    // Secrets never belong in a log line; these paths are cut even if someone logs a config or request.
    redact: { paths: ['*.token', '*.botToken', '*.appToken', '*.password', '*.appPassword', '*.secret', '*.signingSecret', '*.clientSecret', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
  }, destination as pino.DestinationStream);
}

export type { Logger };
