/**
 * The datasource of the gateway built from config: one undici Pool for the API origin, the
 * bulk calls' client with one process-wide batcher in front of it, and the read client; a
 * circuit breaker each.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { AcceptedCallers } from '../domain/accepted-callers';
import type { GatewayObserver } from '../observability/observer';
import { circuitOf } from './circuit';
import { EnrolAndEarnBatcher } from './enrol-and-earn.batcher';
import { PromotionApiClient } from './promotion-api.client';
import { PromotionReadClient } from './promotion-read.client';
import { ReadSlots } from './read-slots';

export interface PromotionApi {
  batcher: EnrolAndEarnBatcher;
  client: PromotionApiClient;
  /** The read endpoints, on the client's Pool, with a breaker of their own. */
  reads: PromotionReadClient;
  /** Callers the API accepted lately: the batcher vouches, and the read side shares it. */
  accepted: AcceptedCallers;
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
  const accepted = new AcceptedCallers();
  const batcher = new EnrolAndEarnBatcher(client, {
    accepted,
    batchSize: config.upstreamBatchSize,
    windowMs: config.batchWindowMs,
    maxQueuedCustomers: config.maxQueuedCustomers,
    maxQueuedCustomersPerCaller: config.maxQueuedCustomersPerCaller,
    ...(observer === undefined ? {} : { observer }),
  });
  const reads = new PromotionReadClient({
    dispatcher: client.dispatcher,
    breaker: circuitOf('read', {
      threshold: config.circuitBreakerThreshold,
      halfOpenAfterMs: config.circuitBreakerHalfOpenAfterMs,
      origin: client.origin,
      ...(logger === undefined ? {} : { logger }),
    }),
    basePath: client.basePath,
    timeoutMs: config.promotionApiTimeoutMs,
    // A quarter of the connections stays free of reads for the bulk calls.
    slots: new ReadSlots(readSlotsOf(config.upstreamMaxConnections)),
    ...(logger === undefined ? {} : { logger }),
  });
  return {
    batcher,
    client,
    reads,
    accepted,
    async close() {
      batcher.drain();
      await batcher.idle();
      await client.close();
    },
  };
}

/** Reads on the wire at once: all connections but a quarter, at least one (with one connection, reads may take it). */
function readSlotsOf(maxConnections: number): number {
  return Math.max(1, maxConnections - Math.ceil(maxConnections / 4));
}
