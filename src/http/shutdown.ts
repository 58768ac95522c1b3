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
 * DESIGN §7: waiting batches go out now, then every accepted request is answered (each
 * within its deadline), then the API's connections close, and the store last, since
 * those answers write their records to it.
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
