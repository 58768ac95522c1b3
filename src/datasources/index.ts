/**
 * The datasource of the gateway: one REST client (one undici Pool and one circuit
 * breaker for the API origin) and one process-wide batcher in front of it.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { EnrolAndEarnBatcher } from './enrol-and-earn.batcher';
import { PromotionApiClient } from './promotion-api.client';

export { EnrolAndEarnBatcher } from './enrol-and-earn.batcher';
export { batchKeyOf } from './batch-route';
export type { EnrolAndEarnBatcherOptions } from './enrol-and-earn.batcher';
export { PromotionApiClient, ENROL_AND_EARN_PATH } from './promotion-api.client';
export type { PromotionApiClientOptions, PromotionApiSender } from './promotion-api.client';
export { toRequestBody, toOutcomes } from './enrol-and-earn.mapper';
export type { EnrolAndEarnBody } from './enrol-and-earn.mapper';
export { verdictOf, parseRetryAfter, UNEXPECTED_STATUS_CODE } from './attempt-verdict';
export type { Verdict } from './attempt-verdict';

export interface PromotionApi {
  batcher: EnrolAndEarnBatcher;
  client: PromotionApiClient;
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
  });
  return {
    batcher,
    client,
    async close() {
      batcher.drain();
      await batcher.idle();
      await client.close();
    },
  };
}
