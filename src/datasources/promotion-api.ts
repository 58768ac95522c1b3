/**
 * The datasource of the gateway built from config: one REST client (one undici Pool and
 * one circuit breaker for the API origin) and one process-wide batcher in front of it.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { GatewayObserver } from '../observability/observer';
import { EnrolAndEarnBatcher } from './enrol-and-earn.batcher';
import { PromotionApiClient } from './promotion-api.client';
import { PromotionReadClient } from './promotion-read.client';

export interface PromotionApi {
  batcher: EnrolAndEarnBatcher;
  client: PromotionApiClient;
  /** The read endpoints, on the client's Pool and breaker. */
  reads: PromotionReadClient;
  /**
   * Shutdown (DESIGN.md §7): dispatch every waiting batch now, wait until every call in
   * flight has answered (each is bounded by its mutation's deadline), then close the pool.
   */
  close(): Promise<void>;
}

export function createPromotionApi(
  config: GatewayConfig,
  apiUrl: string,
  logger?: Logger,
  observer?: GatewayObserver,
): PromotionApi {
  const client = new PromotionApiClient({
    apiUrl,
    maxConnections: config.upstreamMaxConnections,
    requestTimeoutMs: config.promotionApiTimeoutMs,
    circuitBreakerThreshold: config.circuitBreakerThreshold,
    circuitBreakerHalfOpenAfterMs: config.circuitBreakerHalfOpenAfterMs,
    ...(logger === undefined ? {} : { logger }),
  });
  const batcher = new EnrolAndEarnBatcher(client, {
    batchSize: config.upstreamBatchSize,
    windowMs: config.batchWindowMs,
    maxQueuedCustomers: config.maxQueuedCustomers,
    maxQueuedCustomersPerCaller: config.maxQueuedCustomersPerCaller,
    ...(observer === undefined ? {} : { observer }),
  });
  const reads = new PromotionReadClient({
    dispatcher: client.dispatcher,
    breaker: client.breaker,
    basePath: client.basePath,
    timeoutMs: config.promotionApiTimeoutMs,
    ...(logger === undefined ? {} : { logger }),
  });
  return {
    batcher,
    client,
    reads,
    async close() {
      batcher.drain();
      await batcher.idle();
      await client.close();
    },
  };
}
