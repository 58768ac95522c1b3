import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { PromotionApi } from './datasources';
import type { IdempotencyStore } from './idempotency/idempotency.store';

export interface ShutdownParts {
  app: FastifyInstance;
  api: PromotionApi;
  store: IdempotencyStore;
  logger: Logger;
}

/**
 * DESIGN §7: stop accepting, send every waiting batch at once, wait for the calls in
 * flight (each bounded by its mutation's deadline), answer every caller, then close
 * the connections to the API and the store.
 */
export async function shutDownGracefully({
  app,
  api,
  store,
  logger,
}: ShutdownParts): Promise<void> {
  // Waiting customers go out now instead of after their window.
  api.batcher.flush();
  // Stops accepting; resolves once every in-flight HTTP request has been answered.
  await app.close();
  await api.close();
  await store.close();
  logger.info('gateway stopped');
}
