import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { PromotionApi } from '../datasources';
import type { IdempotencyStore } from '../idempotency/idempotency.store';

export interface ShutdownParts {
  app: FastifyInstance;
  api: PromotionApi;
  store: IdempotencyStore;
  logger: Logger;
}

/**
 * DESIGN §7, in this order:
 * 1. the batcher drains: waiting batches go out now, and so does every batch opened
 *    later by a request already accepted (one still waiting for the idempotency store,
 *    say) — nobody waits out a window;
 * 2. the HTTP server stops accepting and resolves once every accepted request has been
 *    answered. Each mutation is bounded by its own deadline, so this is too. Idle
 *    keep-alive connections are closed at once, and every answer from now on carries
 *    `Connection: close` (server.ts), so no connection outlives its last answer and
 *    close() never waits out a keep-alive. A request that still reaches a route is
 *    answered 503 without reaching the API (fastify's `return503OnClosing`); one
 *    pipelined behind a `Connection: close` answer gets none, which tells its client
 *    it was not processed. Either way nothing was done, and it may be sent elsewhere;
 * 3. the connections to the API close (nothing is in flight by now), then the store.
 * The idempotency store closes last: the answers of step 2 write their records to it.
 */
export async function shutDownGracefully({
  app,
  api,
  store,
  logger,
}: ShutdownParts): Promise<void> {
  api.batcher.drain();
  await app.close();
  await api.close();
  await store.close();
  logger.info('gateway stopped');
}
