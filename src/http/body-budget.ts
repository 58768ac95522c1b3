import type { FastifyInstance } from 'fastify';

/**
 * Default `32 MiB` (at least one MAX_BODY_BYTES): bytes of request bodies the gateway
 * receives at once. Timeouts alone let 500 clients that each send most of a 1 MB body
 * within a second hold 500 MB until they fire.
 */
export const BODY_BYTES_IN_FLIGHT = 32 * 1024 * 1024;

/**
 * A body this small mostly came with its headers in node's first read of the socket:
 * holding it back would save nothing and queue every mutation behind slow uploads.
 */
const UNQUEUED_BODY_BYTES = 64 * 1024;

/**
 * A body is read only once its declared length (MAX_BODY_BYTES when chunked) fits in
 * `maxBytes` together with the bodies being read; until then its socket is not read, so
 * its bytes wait in the kernel, and BODY_TIMEOUT_MS still runs. First come, first served
 * among larger bodies: one is never overtaken for ever by others.
 */
export function registerBodyBudget(
  app: FastifyInstance,
  limits: { maxBytes: number; maxBodyBytes: number },
): void {
  let available = limits.maxBytes;
  // A Set iterates in insertion order: the queue, with O(1) removal of one who left.
  const waiting = new Set<{ bytes: number; admit: () => void }>();
  const admitWaiting = (): void => {
    for (const waiter of waiting) {
      if (waiter.bytes > available) return;
      waiting.delete(waiter);
      available -= waiter.bytes;
      waiter.admit();
    }
  };

  app.addHook('preParsing', async (request, reply, payload) => {
    const declared = Number(request.headers['content-length']);
    const chunked = request.headers['transfer-encoding'] !== undefined;
    // No body; or one fastify refuses (413) from its declared length without reading it.
    if ((!chunked && !(declared > 0)) || declared > limits.maxBodyBytes) return payload;
    const bytes = Number.isNaN(declared) ? limits.maxBodyBytes : declared;

    if (bytes <= UNQUEUED_BODY_BYTES || (waiting.size === 0 && bytes <= available)) {
      available -= bytes;
    } else {
      await new Promise<void>((admit, refuse) => {
        const waiter = { bytes, admit };
        waiting.add(waiter);
        // Closed while waiting (BODY_TIMEOUT_MS, or the client left): its place goes, and
        // a smaller body it held back may fit now.
        request.raw.once('close', () => {
          if (!waiting.delete(waiter)) return;
          admitWaiting();
          refuse(Object.assign(new Error('closed before its body was read'), { statusCode: 408 }));
        });
      });
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      available += bytes;
      admitWaiting();
    };
    payload.once('end', release);
    reply.raw.once('close', release);
    return payload;
  });
}
