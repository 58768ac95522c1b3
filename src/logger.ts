import pino, { type Logger } from 'pino';
import type { GatewayConfig } from './config';
import { maskLogLine } from './security/personal-data';

/** Values that must never reach a log line: the caller's credentials. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-cap-api-oauth-token"]',
  'headers.authorization',
  'headers["x-cap-api-oauth-token"]',
  'credentials',
  '*.credentials',
];

interface LoggedRequest {
  method?: string;
  url?: string;
  ip?: string;
}

/**
 * The request as one access-log line shows it. The query string is left out: a GET
 * carries the whole operation and its variables there, personal data included.
 */
function requestSerializer(request: LoggedRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url?.split('?')[0],
    remoteAddress: request.ip,
  };
}

/**
 * The gateway's logger: JSON lines, credentials redacted by path, and every line masked
 * for mobile numbers, emails and credential values wherever they appear — library
 * messages and GraphQL errors that echo a caller's variables included.
 */
export function createLogger(
  config: Pick<GatewayConfig, 'logLevel'>,
  destination?: pino.DestinationStream,
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer },
    hooks: { streamWrite: maskLogLine },
  };
  return destination ? pino(options, destination) : pino(options);
}
