import { readTrustedDocuments, type TrustedDocuments } from './graphql/trusted-documents';

/**
 * Every setting of the gateway, read from the environment once and validated.
 * Defaults live here and nowhere else. A bad value stops start-up with a message
 * that names the variable.
 */

export interface GatewayConfig {
  /** Default `4000`. */
  port: number;
  /** Default `127.0.0.1` (`0.0.0.0` in containers). */
  host: string;
  /** Base URL of the promotion API. Unset: the embedded sandbox is started in-process. */
  promotionApiUrl: string | null;
  /** Default `10000` ms. Deadline of one mutation's API work, retries included. */
  promotionApiTimeoutMs: number;
  /** Default `32`. Connections to the API. */
  upstreamMaxConnections: number;
  /** Default `100`, 1..100. Customers per API call. */
  upstreamBatchSize: number;
  /** Default `5` ms. Longest wait to coalesce; 0 = only what arrives in the same tick. */
  batchWindowMs: number;
  /** Default `1000`. */
  maxCustomersPerMutation: number;
  /** Default `10000`. Customers waiting for the API past which new mutations get RateLimitedError at once. */
  maxQueuedCustomers: number;
  /** Default `2000`. Customers one caller (credential hash) may have waiting past which its new mutations get RateLimitedError. */
  maxQueuedCustomersPerCaller: number;
  /** Default `5`. Consecutive failed calls to one API origin that open its circuit. */
  circuitBreakerThreshold: number;
  /** Default `5000` ms. How long an open circuit waits before it lets one probe through. */
  circuitBreakerHalfOpenAfterMs: number;
  /** Default `60` s. How long a promotion's definition is reused per caller; 0 = not cached. */
  promotionCacheTtlSeconds: number;
  /** Default `120000` ms. How far the API's clock may lag ours when a retry looks for an unknown call's work. */
  reconcileClockSkewMs: number;
  /** Unset: idempotency records live in memory. Set: in Redis, shared by every replica. */
  redisUrl: string | null;
  /** Default `86400`. */
  idempotencyTtlSeconds: number;
  /** Default `info`. */
  logLevel: LogLevel;
  /** `NODE_ENV=production`: introspection off, suggestions hidden, unexpected errors masked. */
  production: boolean;
  /** Default: on outside production, off in production. `GRAPHQL_INTROSPECTION=true|false` decides. */
  introspection: boolean;
  /** Default `10`. Deepest nesting of fields one operation may select; fragments do not count as levels. */
  maxQueryDepth: number;
  /** Default `15`. Aliases one operation may use, `__typename` aliases included. */
  maxAliases: number;
  /** Default `10`. Root fields one operation may select; each mutation field is one mutation. */
  maxRootFields: number;
  /** Default `10000`. Lexical tokens one GraphQL document may hold; enough for 1000 inline customers. */
  maxTokens: number;
  /** Default `50`. Operations one batched HTTP request (a JSON array) may carry. */
  maxBatchOperations: number;
  /** Default `1048576` (1 MiB). Largest request body; larger ones get 413. */
  maxBodyBytes: number;
  /** Default none: no CORS headers at all. Browser origins allowed to call the gateway. */
  corsOrigins: string[];
  /** Default `30000` ms. Longest a whole HTTP request may take to arrive and be answered. */
  requestTimeoutMs: number;
  /** Default `10000` ms. Longest a request's body may take to arrive. */
  bodyTimeoutMs: number;
  /** Default `5000` ms. How long an idle keep-alive connection is kept open. */
  keepAliveTimeoutMs: number;
  /** Default `4096`. Open client connections past which new sockets are refused. */
  maxConnections: number;
  /** Default `67108864` (64 MiB). Bytes of records the in-memory idempotency store may hold. */
  idempotencyMemoryMaxBytes: number;
  /** Default unset: any document runs (and Apollo's automatic persisted queries). Set: only the manifest's. */
  trustedDocuments: TrustedDocuments | null;
  /** Default `9464`, on `host`. Port of `GET /metrics` (Prometheus); `0` = no metrics listener. */
  metricsPort: number;
  /** Default unset: page cursors are signed with this process's own key. Set (the same on every replica): with it. */
  cursorSecret: string | null;
  /**
   * Where traces go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`
   * + `/v1/traces`. Null (neither set): no tracing. The SDK reads the other OTEL_* variables.
   */
  otlpTracesUrl: string | null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function valueOf(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function secret(env: Env, name: string): string | null {
  const raw = valueOf(env, name) ?? null;
  if (raw !== null && raw.length < 32)
    throw new ConfigError(name, 'must be at least 32 characters');
  return raw;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = valueOf(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function url(env: Env, name: string, protocols: readonly string[]): string | null {
  const raw = valueOf(env, name);
  if (raw === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw.replace(/\/+$/, '');
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = valueOf(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function flag(env: Env, name: string): boolean | undefined {
  const raw = valueOf(env, name);
  if (raw === undefined) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }
  return raw === 'true';
}

/** A comma-separated list of exact origins: scheme, host and optional port, nothing else. */
function origins(env: Env, name: string): string[] {
  const raw = valueOf(env, name);
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      let parsed: URL;
      try {
        parsed = new URL(entry);
      } catch {
        throw new ConfigError(
          name,
          `must list origins like https://app.example.com, got "${entry}"`,
        );
      }
      if (
        (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
        parsed.origin !== entry.replace(/\/$/, '').toLowerCase()
      ) {
        throw new ConfigError(
          name,
          `must list origins (scheme://host[:port], no path or wildcard), got "${entry}"`,
        );
      }
      return parsed.origin;
    });
}

/** A manifest file of trusted documents, read and checked now so that a bad one stops start-up. */
function trustedDocuments(env: Env, name: string): TrustedDocuments | null {
  const path = valueOf(env, name);
  if (path === undefined) return null;
  try {
    return readTrustedDocuments(path);
  } catch (error) {
    throw new ConfigError(name, (error as Error).message);
  }
}

/** The OTLP/HTTP rule: the signal's own endpoint as given, or the base one with its path. */
function otlpTracesUrlOf(env: Env): string | null {
  const base = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']);
  const traces = url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http:', 'https:']);
  return traces ?? (base === null ? null : `${base}/v1/traces`);
}

export function loadConfig(env: Env = process.env): GatewayConfig {
  // Any spelling of production counts: a typo must never start the sandbox in production.
  const production = /^prod(uction)?$/i.test(valueOf(env, 'NODE_ENV') ?? '');
  const config: GatewayConfig = {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: valueOf(env, 'HOST') ?? '127.0.0.1',
    promotionApiUrl: url(env, 'PROMOTION_API_URL', ['http:', 'https:']),
    promotionApiTimeoutMs: integer(env, 'PROMOTION_API_TIMEOUT_MS', 10_000, 100, 600_000),
    upstreamMaxConnections: integer(env, 'UPSTREAM_MAX_CONNECTIONS', 32, 1, 1024),
    upstreamBatchSize: integer(env, 'UPSTREAM_BATCH_SIZE', 100, 1, 100),
    batchWindowMs: integer(env, 'BATCH_WINDOW_MS', 5, 0, 1000),
    maxCustomersPerMutation: integer(env, 'MAX_CUSTOMERS_PER_MUTATION', 1000, 1, 100_000),
    maxQueuedCustomers: integer(env, 'MAX_QUEUED_CUSTOMERS', 10_000, 1, 10_000_000),
    maxQueuedCustomersPerCaller: integer(
      env,
      'MAX_QUEUED_CUSTOMERS_PER_CALLER',
      2000,
      1,
      10_000_000,
    ),
    circuitBreakerThreshold: integer(env, 'CIRCUIT_BREAKER_THRESHOLD', 5, 1, 1000),
    circuitBreakerHalfOpenAfterMs: integer(env, 'CIRCUIT_BREAKER_HALF_OPEN_MS', 5000, 10, 600_000),
    promotionCacheTtlSeconds: integer(env, 'PROMOTION_CACHE_TTL_SECONDS', 60, 0, 86_400),
    reconcileClockSkewMs: integer(env, 'RECONCILE_CLOCK_SKEW_MS', 120_000, 0, 86_400_000),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    idempotencyTtlSeconds: integer(env, 'IDEMPOTENCY_TTL_SECONDS', 86_400, 1, 31_536_000),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    introspection: flag(env, 'GRAPHQL_INTROSPECTION') ?? !production,
    maxQueryDepth: integer(env, 'MAX_QUERY_DEPTH', 10, 1, 100),
    maxAliases: integer(env, 'MAX_ALIASES', 15, 0, 1000),
    maxRootFields: integer(env, 'MAX_ROOT_FIELDS', 10, 1, 1000),
    maxTokens: integer(env, 'MAX_TOKENS', 10_000, 10, 1_000_000),
    maxBatchOperations: integer(env, 'MAX_BATCH_OPERATIONS', 50, 1, 1000),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_048_576, 1024, 104_857_600),
    corsOrigins: origins(env, 'CORS_ORIGINS'),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_MS', 10_000, 100, 600_000),
    keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConnections: integer(env, 'MAX_CONNECTIONS', 4096, 1, 1_000_000),
    idempotencyMemoryMaxBytes: integer(
      env,
      'IDEMPOTENCY_MEMORY_MAX_BYTES',
      64 * 1024 * 1024,
      64 * 1024,
      64 * 1024 * 1024 * 1024,
    ),
    trustedDocuments: trustedDocuments(env, 'TRUSTED_DOCUMENTS'),
    metricsPort: integer(env, 'METRICS_PORT', 9464, 0, 65535),
    otlpTracesUrl: otlpTracesUrlOf(env),
    cursorSecret: secret(env, 'CURSOR_SECRET'),
  };
  // A mutation larger than the queue could never be admitted: it would be refused forever.
  if (config.maxCustomersPerMutation > config.maxQueuedCustomers) {
    throw new ConfigError(
      'MAX_CUSTOMERS_PER_MUTATION',
      `must not exceed MAX_QUEUED_CUSTOMERS (${config.maxQueuedCustomers}), got ${config.maxCustomersPerMutation}`,
    );
  }
  // Likewise per caller: one mutation alone must fit within its caller's share.
  if (config.maxCustomersPerMutation > config.maxQueuedCustomersPerCaller) {
    throw new ConfigError(
      'MAX_CUSTOMERS_PER_MUTATION',
      `must not exceed MAX_QUEUED_CUSTOMERS_PER_CALLER (${config.maxQueuedCustomersPerCaller}), got ${config.maxCustomersPerMutation}`,
    );
  }
  // A body that may take longer than its whole request could never arrive.
  if (config.bodyTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError(
      'BODY_TIMEOUT_MS',
      `must not exceed REQUEST_TIMEOUT_MS (${config.requestTimeoutMs}), got ${config.bodyTimeoutMs}`,
    );
  }
  // A mutation must be able to run to its own deadline before its request is cut.
  if (config.promotionApiTimeoutMs >= config.requestTimeoutMs) {
    throw new ConfigError(
      'PROMOTION_API_TIMEOUT_MS',
      `must be less than REQUEST_TIMEOUT_MS (${config.requestTimeoutMs}), got ${config.promotionApiTimeoutMs}`,
    );
  }
  if (config.metricsPort !== 0 && config.metricsPort === config.port) {
    throw new ConfigError(
      'METRICS_PORT',
      `must differ from PORT (${config.port}): metrics never share the public port`,
    );
  }
  // Production never falls back to the sandbox (DESIGN §9).
  if (production && config.promotionApiUrl === null) {
    throw new ConfigError(
      'PROMOTION_API_URL',
      'must be set when NODE_ENV=production: the embedded sandbox never runs in production',
    );
  }
  return config;
}
