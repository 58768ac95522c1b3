import type { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { maskLogLine } from './personal-data';

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

/** Default `4 MiB`: log text waiting for stdout beyond which new lines are dropped. */
export const MAX_PENDING_LOG_BYTES = 4 * 1024 * 1024;

export interface LogDestination extends pino.DestinationStream {
  /** Lines dropped so far because stdout was not taking them. */
  readonly droppedLines: number;
  /** Resolves once everything written so far is out, or after `timeoutMs`, whichever first. */
  drained(timeoutMs: number): Promise<void>;
}

/**
 * Lines to a stream without ever blocking the process (DESIGN §9): pino's own destination
 * flushes at exit synchronously, for ever on a pipe nobody reads. Past `maxPendingBytes`
 * waiting, lines are dropped and counted.
 */
export function streamLogDestination(
  stream: Writable,
  maxPendingBytes = MAX_PENDING_LOG_BYTES,
): LogDestination {
  let closed = false;
  let droppedLines = 0;
  let unreported = 0;
  // Once the reader is gone (EPIPE), there is nobody to log to.
  stream.on('error', () => (closed = true));
  return {
    get droppedLines() {
      return droppedLines;
    },
    write(line: string) {
      if (closed || stream.writableLength > maxPendingBytes) {
        droppedLines++;
        unreported++;
        return;
      }
      if (unreported > 0) {
        const notice = { level: 40, time: Date.now(), droppedLines: unreported };
        stream.write(
          `${JSON.stringify({ ...notice, msg: 'log lines dropped: stdout was full' })}\n`,
        );
        unreported = 0;
      }
      stream.write(line);
    },
    drained(timeoutMs: number) {
      if (closed || stream.writableLength === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        // Called once this empty chunk, and so everything before it, has been written.
        stream.write('', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

let stdout: LogDestination | undefined;

/** The process's stdout as a log destination; one, however many loggers write to it. */
export function stdoutLogDestination(): LogDestination {
  stdout ??= streamLogDestination(process.stdout);
  return stdout;
}

/**
 * The gateway's logger: JSON lines, credentials redacted, and every line masked for personal
 * data wherever it appears (GraphQL errors echo variables). Default destination: stdout.
 */
export function createLogger(
  config: Pick<GatewayConfig, 'logLevel'>,
  destination: pino.DestinationStream = stdoutLogDestination(),
): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: requestSerializer },
    hooks: { streamWrite: maskLogLine },
  };
  return pino(options, destination);
}
