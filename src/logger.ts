/**
 * The service's one structured logger: JSON lines on stderr (stdout belongs to the console
 * adapter). Pretty, coloured lines only when stderr is a terminal, so files and log shippers
 * always get JSON.
 */
import pino from 'pino';
import pretty from 'pino-pretty';
import type { Logger } from './core/ports';
import { currentRequestId } from './http/request-context';

export type PinoLogger = pino.Logger;

/** Secrets never belong in a log line; these paths are cut even if someone logs a config or request. */
const REDACT = [
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.password',
  '*.appPassword',
  '*.secret',
  '*.signingSecret',
  '*.clientSecret',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
];

export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): PinoLogger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'touchpoint' },
    redact: { paths: REDACT, censor: '[redacted]' },
    // Every line written while an HTTP request's work runs names that request.
    mixin: () => {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  const tty = (destination as { isTTY?: boolean }).isTTY === true;
  return tty
    ? pino(
        options,
        pretty({
          destination: destination as NodeJS.WritableStream & { fd?: number },
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          ignore: 'pid,hostname,service',
          sync: true,
        }),
      )
    : pino(options, destination as pino.DestinationStream);
}

export type { Logger };
