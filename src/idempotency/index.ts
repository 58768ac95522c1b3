import type { Logger } from 'pino';
import { type IdempotencyStore } from './idempotency.store';
import { MemoryIdempotencyStore } from './memory.store';
import { RedisIdempotencyStore } from './redis.store';

export {
  type ClaimResult,
  type ClaimStatus,
  DEFAULT_IDEMPOTENCY_KEY_PREFIX,
  type IdempotencyStore,
  IdempotencyStoreFullError,
  IdempotencyStoreUnavailableError,
  type StoredPayload,
} from './idempotency.store';
export { canonicalJsonOf, inputHashOf } from './input-hash';
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './memory.store';
export { RedisIdempotencyStore, type RedisIdempotencyStoreOptions } from './redis.store';

export interface IdempotencyStoreOptions {
  /** `REDIS_URL`. Null: records live in this process's memory. */
  redisUrl: string | null;
  /** `IDEMPOTENCY_TTL_SECONDS`. */
  ttlSeconds: number;
  /** Default `promotion-gateway:idem:`. Redis only. */
  keyPrefix?: string;
  /** `IDEMPOTENCY_MEMORY_MAX_BYTES`. Memory only. */
  maxBytes?: number;
  /** Where the store reports its failures and refusals; never given keys or payloads. */
  logger?: Logger;
}

/** Redis when a URL is configured (shared by every replica), memory otherwise. */
export function createIdempotencyStore(options: IdempotencyStoreOptions): IdempotencyStore {
  if (options.redisUrl === null) {
    return new MemoryIdempotencyStore({
      ttlSeconds: options.ttlSeconds,
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }
  return new RedisIdempotencyStore({
    url: options.redisUrl,
    ttlSeconds: options.ttlSeconds,
    keyPrefix: options.keyPrefix,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
