/** Reading request bodies and writing JSON answers on plain node:http. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this get 413: 100 customers need about 8 KB. */
const MAX_BODY_BYTES = 1024 * 1024;

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function methodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { errorCode: 405, message: 'method not allowed' }, { Allow: allow });
}

/** The parsed JSON, or `undefined` when the text is not JSON. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Resolves with the body, or null when it was too large (413 sent) or the client went away. */
export function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        sendJson(
          res,
          413,
          { errorCode: 413, message: 'request body too large' },
          { Connection: 'close' },
        );
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      if (!done) resolve(null);
      done = true;
    });
    req.on('close', () => {
      // Closed before 'end': the client went away mid-body.
      if (!done) resolve(null);
      done = true;
    });
  });
}
