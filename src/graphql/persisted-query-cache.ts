/**
 * The cache of Apollo's automatic persisted queries (hash -> document), bounded: in this
 * process by bytes, or in Redis (REDIS_URL) by count and age, so that every replica knows
 * a document one of them was sent.
 */
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Default `300` s: how long a registered document is remembered after its last registration. */
export const PERSISTED_QUERY_TTL_SECONDS = 300;
/** Default `8 MiB` of documents in memory. */
const MEMORY_MAX_BYTES = 8 * 1024 * 1024;
/** Default `2000` documents in Redis, the oldest dropped first. */
export const REDIS_MAX_DOCUMENTS = 2000;
/** Longer documents are not kept: their clients send the text each time, as without APQ. */
export const MAX_DOCUMENT_BYTES = 32 * 1024;

export interface PersistedQueryCache extends KeyValueCache<string> {
  close(): Promise<void>;
}

/**
 * KEYS[1] index (sorted set by time), KEYS[2] document; ARGV document, ttlMs, max, prefix.
 * The index drops expired and the oldest entries past `max`, deleting their documents.
 */
const SET_LUA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttlMs = tonumber(ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ttlMs)
redis.call('ZADD', KEYS[1], now, KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttlMs)
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over > 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1)
  redis.call('DEL', unpack(oldest))
end
redis.call('PEXPIRE', KEYS[1], ttlMs)
return 1
`;

type WithSetCommand = Redis & {
  persistedQuerySet(
    index: string,
    key: string,
    value: string,
    ttlMs: number,
    max: number,
  ): Promise<number>;
};

export interface RedisPersistedQueryCacheOptions {
  url: string;
  /** Default `promotion-gateway:apq:`; one hash tag, so the script's keys share a cluster slot. */
  keyPrefix?: string;
  /** Default `REDIS_MAX_DOCUMENTS`. */
  maxDocuments?: number;
  logger?: Logger;
}

export class RedisPersistedQueryCache implements PersistedQueryCache {
  private readonly redis: WithSetCommand;
  private readonly prefix: string;
  private readonly maxDocuments: number;
  private readonly logger: Logger | null;

  constructor(options: RedisPersistedQueryCacheOptions) {
    this.prefix = options.keyPrefix ?? '{promotion-gateway:apq}:';
    this.maxDocuments = options.maxDocuments ?? REDIS_MAX_DOCUMENTS;
    this.logger = options.logger ?? null;
    this.redis = new Redis(options.url, {
      connectTimeout: 2000,
      commandTimeout: 1000,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 50, 2000),
      disconnectTimeout: 0,
    }) as WithSetCommand;
    // The idempotency store reports Redis being down; here a miss is all it costs.
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('persistedQuerySet', { numberOfKeys: 2, lua: SET_LUA });
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch (error) {
      // A miss makes the client send the document's text: slower, never wrong.
      this.logger?.warn({ err: error }, 'persisted query cache unavailable; answered as a miss');
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (Buffer.byteLength(value) > MAX_DOCUMENT_BYTES) return;
    const ttlSeconds = options?.ttl ?? PERSISTED_QUERY_TTL_SECONDS;
    await this.redis.persistedQuerySet(
      `${this.prefix}index`,
      this.prefix + key,
      value,
      ttlSeconds * 1000,
      this.maxDocuments,
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** In memory, bounded by bytes; documents over MAX_DOCUMENT_BYTES are not kept. */
export function memoryPersistedQueryCache(): PersistedQueryCache {
  const lru = new InMemoryLRUCache<string>({ maxSize: MEMORY_MAX_BYTES });
  return {
    get: (key) => lru.get(key),
    set: async (key, value, options) => {
      if (Buffer.byteLength(value) > MAX_DOCUMENT_BYTES) return;
      await lru.set(key, value, options);
    },
    delete: (key) => lru.delete(key),
    close: async () => undefined,
  };
}

export function createPersistedQueryCache(
  redisUrl: string | null,
  logger?: Logger,
): PersistedQueryCache {
  return redisUrl === null
    ? memoryPersistedQueryCache()
    : new RedisPersistedQueryCache({ url: redisUrl, ...(logger ? { logger } : {}) });
}
