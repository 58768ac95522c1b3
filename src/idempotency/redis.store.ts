import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  assertLeaseMs,
  assertTtlSeconds,
  type ClaimResult,
  DEFAULT_IDEMPOTENCY_KEY_PREFIX,
  type IdempotencyStore,
  IdempotencyStoreUnavailableError,
  payloadJsonOf,
  type StoredPayload,
} from './idempotency.store';
import {
  ALLOW_OOM,
  CLAIM_LUA,
  COMPLETE_LUA,
  type IdempotencyCommands,
  readsScriptFlags,
  redisVersionOf,
  RELEASE_LUA,
} from './redis.scripts';

export interface RedisIdempotencyStoreOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** How long a completed or partial record is kept, in seconds. */
  ttlSeconds: number;
  /** Default `promotion-gateway:idem:`. Followed by sha256 of (scope, key) in hex. */
  keyPrefix?: string;
  /** Default `2000` ms. Longest wait for a TCP connection to Redis. */
  connectTimeoutMs?: number;
  /** Default `2000` ms. Longest wait for one answer, time queued while (re)connecting included. */
  commandTimeoutMs?: number;
  /**
   * Where it says that it cannot reach Redis (at once, then at most once a minute while
   * that lasts) and that it can again. Lines name Redis by address, never by URL.
   */
  logger?: Pick<Logger, 'warn' | 'info'>;
  /**
   * Default: what Redis says (`INFO server`) on each connection. The Redis version to assume
   * instead, e.g. `'7.2.4'` for a user whose ACL denies INFO; decides whether allow-oom is used.
   */
  redisVersion?: string;
}

/** While Redis stays unreachable, the store says so again at most this often. */
const CONNECTION_WARNING_INTERVAL_MS = 60_000;

/**
 * Idempotency records in Redis, shared by every replica: each operation is one Lua script,
 * atomic across processes; a failure rejects (`IdempotencyStoreUnavailableError`), never hangs.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly redis: Redis & IdempotencyCommands;
  private readonly ttlMs: number;
  private readonly keyPrefix: string;
  private readonly logger: Pick<Logger, 'warn' | 'info'> | null;
  /** Where Redis is, as logs name it: host and port (or socket path), no credentials. */
  private readonly address: string;
  /** What of the URL must never be logged or put into an error. */
  private readonly secrets: string[];
  private lastConnectionError: Error | null = null;
  /** Set while Redis cannot be reached: failed attempts, and when that was last logged. */
  private unreachable: { failures: number; warnedAt: number } | null = null;
  /**
   * Whether complete and release carry allow-oom: only once this connection's Redis said it
   * reads script flags, as the plain scripts run on any Redis (just not on a full one).
   */
  private allowOom = false;
  /**
   * A script is EVALSHA and, when Redis has lost the script (NOSCRIPT), EVAL again: two
   * commands, each bounded by the command timeout (time queued while reconnecting included).
   */
  readonly operationTimeoutMs: number;

  constructor(options: RedisIdempotencyStoreOptions) {
    assertTtlSeconds(options.ttlSeconds);
    this.ttlMs = options.ttlSeconds * 1000;
    this.keyPrefix = options.keyPrefix ?? DEFAULT_IDEMPOTENCY_KEY_PREFIX;
    this.logger = options.logger ?? null;
    this.secrets = secretsOf(options.url);
    const commandTimeoutMs = options.commandTimeoutMs ?? 2000;
    this.operationTimeoutMs = 2 * commandTimeoutMs;
    const redis = new Redis(options.url, {
      connectTimeout: options.connectTimeoutMs ?? 2000,
      commandTimeout: commandTimeoutMs,
      // A blip or start-up does not fail requests, but a caller waits one reconnect, not
      // ioredis's default of 20.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      // Reconnects go on in the background (50 ms, 100 ms, ... at most 2 s apart).
      retryStrategy: (attempt) => Math.min(attempt * 50, 2000),
      // Else ioredis keeps a 2 s timer for a socket that already failed, holding the process open.
      disconnectTimeout: 0,
    }) as Redis & IdempotencyCommands;
    // Without a listener, ioredis prints every failed reconnect to stderr.
    redis.on('error', (error: Error) => {
      this.lastConnectionError = error;
      this.connectionFailed(error);
    });
    redis.on('ready', () => {
      this.lastConnectionError = null;
      this.connectionRestored();
    });
    if (options.redisVersion === undefined) {
      redis.on('ready', () => void this.learnServerVersion());
      // A reconnect may reach another server (a failover, an upgrade half done).
      redis.on('close', () => {
        this.allowOom = false;
      });
    } else {
      this.allowOom = readsScriptFlags(options.redisVersion);
    }
    redis.defineCommand('idempotencyClaim', { numberOfKeys: 1, lua: CLAIM_LUA });
    redis.defineCommand('idempotencyComplete', { numberOfKeys: 1, lua: COMPLETE_LUA });
    redis.defineCommand('idempotencyCompleteAllowOom', {
      numberOfKeys: 1,
      lua: ALLOW_OOM + COMPLETE_LUA,
    });
    redis.defineCommand('idempotencyRelease', { numberOfKeys: 1, lua: RELEASE_LUA });
    redis.defineCommand('idempotencyReleaseAllowOom', {
      numberOfKeys: 1,
      lua: ALLOW_OOM + RELEASE_LUA,
    });
    this.redis = redis;
    this.address = redis.options.path ?? `${redis.options.host}:${redis.options.port}`;
  }

  async claim(
    scope: string,
    key: string,
    inputHash: string,
    leaseMs: number,
  ): Promise<ClaimResult> {
    assertLeaseMs(leaseMs);
    const token = randomUUID();
    const [status, payload] = await this.call(() =>
      this.redis.idempotencyClaim(
        this.recordKeyOf(scope, key),
        inputHash,
        token,
        leaseMs,
        this.ttlMs,
      ),
    );
    switch (status) {
      case 'CLAIMED':
        return { status, previous: payload ? parsePayload(payload) : null, token };
      case 'COMPLETED':
        return { status, payload: parsePayload(payload ?? 'null') };
      case 'IN_PROGRESS':
      case 'INPUT_MISMATCH':
        return { status };
      default:
        throw new IdempotencyStoreUnavailableError(`unexpected idempotency claim answer ${status}`);
    }
  }

  async complete(
    scope: string,
    key: string,
    token: string,
    payload: StoredPayload,
    final: boolean,
  ): Promise<boolean> {
    const args = [
      this.recordKeyOf(scope, key),
      token,
      payloadJsonOf(payload),
      final ? '1' : '0',
      this.ttlMs,
    ] as const;
    const stored = await this.call(() =>
      this.allowOom
        ? this.redis.idempotencyCompleteAllowOom(...args)
        : this.redis.idempotencyComplete(...args),
    );
    return stored === 1;
  }

  async release(scope: string, key: string, token: string): Promise<boolean> {
    const recordKey = this.recordKeyOf(scope, key);
    const released = await this.call(() =>
      this.allowOom
        ? this.redis.idempotencyReleaseAllowOom(recordKey, token)
        : this.redis.idempotencyRelease(recordKey, token),
    );
    return released === 1;
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Fall through: drop the connection without waiting for Redis.
      }
    }
    this.redis.disconnect();
  }

  /** The Redis key of (scope, key): neither credentials nor the caller's key in clear. */
  recordKeyOf(scope: string, key: string): string {
    const digest = createHash('sha256')
      .update(JSON.stringify([scope, key]))
      .digest('hex');
    return this.keyPrefix + digest;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      const reason = this.redact(error instanceof Error ? error.message : String(error));
      const connection = this.lastConnectionError
        ? ` (last connection error: ${this.redact(this.lastConnectionError.message)})`
        : '';
      throw new IdempotencyStoreUnavailableError(
        `Redis idempotency store failed: ${reason}${connection}`,
      );
    }
  }

  private async learnServerVersion(): Promise<void> {
    try {
      this.allowOom = readsScriptFlags(redisVersionOf(await this.redis.info('server')));
    } catch {
      // INFO refused (an ACL) or the connection lost: the plain scripts go on serving.
    }
  }

  private connectionFailed(error: Error): void {
    const now = Date.now();
    const failures = (this.unreachable?.failures ?? 0) + 1;
    const warnedAt = this.unreachable?.warnedAt ?? -Infinity;
    this.unreachable = { failures, warnedAt };
    if (now - warnedAt < CONNECTION_WARNING_INTERVAL_MS) return;
    this.unreachable.warnedAt = now;
    this.logger?.warn(
      {
        redis: this.address,
        failedAttempts: failures,
        err: { type: error.name, message: this.redact(error.message) },
      },
      'cannot connect to Redis: keyed mutations get UpstreamUnavailableError until it answers',
    );
  }

  private connectionRestored(): void {
    if (this.unreachable === null) return;
    this.logger?.info(
      { redis: this.address, failedAttempts: this.unreachable.failures },
      'connected to Redis again',
    );
    this.unreachable = null;
  }

  /** A message without the URL's password, should a library ever echo it. */
  private redact(message: string): string {
    return this.secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), message);
  }
}

/** The password of a Redis URL, as written and decoded; none when it has none. */
function secretsOf(url: string): string[] {
  let password: string;
  try {
    password = new URL(url).password;
  } catch {
    return [];
  }
  if (password === '') return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Not valid percent-encoding: only the raw form can appear.
  }
  return [...new Set([password, decoded])];
}

function parsePayload(json: string): StoredPayload {
  return JSON.parse(json) as StoredPayload;
}
