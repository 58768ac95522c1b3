import pino, { type Logger } from 'pino';
import type { GatewayConfig } from './config';

/** Header values that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-cap-api-oauth-token"]',
  'headers.authorization',
  'headers["x-cap-api-oauth-token"]',
];

export function createLogger(
  config: Pick<GatewayConfig, 'logLevel'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
