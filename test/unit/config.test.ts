import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  // The one place for every default (docs/configuration.md lists the same).
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      promotionApiUrl: null,
      promotionApiTimeoutMs: 10_000,
      upstreamMaxConnections: 32,
      upstreamBatchSize: 100,
      batchWindowMs: 5,
      maxCustomersPerMutation: 1000,
      maxQueuedCustomers: 10_000,
      maxQueuedCustomersPerCaller: 2000,
      circuitBreakerThreshold: 5,
      circuitBreakerHalfOpenAfterMs: 5000,
      promotionCacheTtlSeconds: 60,
      redisUrl: null,
      idempotencyTtlSeconds: 86_400,
      idempotencyMemoryMaxBytes: 64 * 1024 * 1024,
      logLevel: 'info',
      production: false,
      // Security limits (their behaviour: test/security/config.test.ts and limits.test.ts).
      introspection: true,
      maxQueryDepth: 10,
      maxAliases: 15,
      maxRootFields: 10,
      maxTokens: 10_000,
      maxBatchOperations: 50,
      maxBodyBytes: 1_048_576,
      corsOrigins: [],
      // Timeouts and the connection cap of the HTTP server.
      requestTimeoutMs: 30_000,
      bodyTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 4096,
    });
  });

  it('reads every variable of DESIGN §4', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      PROMOTION_API_URL: 'https://eu.api.capillarytech.com/',
      PROMOTION_API_TIMEOUT_MS: '2500',
      UPSTREAM_MAX_CONNECTIONS: '16',
      UPSTREAM_BATCH_SIZE: '50',
      BATCH_WINDOW_MS: '0',
      MAX_CUSTOMERS_PER_MUTATION: '200',
      REDIS_URL: 'redis://127.0.0.1:6379',
      IDEMPOTENCY_TTL_SECONDS: '60',
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      promotionApiUrl: 'https://eu.api.capillarytech.com',
      promotionApiTimeoutMs: 2500,
      upstreamMaxConnections: 16,
      upstreamBatchSize: 50,
      batchWindowMs: 0,
      maxCustomersPerMutation: 200,
      redisUrl: 'redis://127.0.0.1:6379',
      idempotencyTtlSeconds: 60,
      logLevel: 'debug',
      production: true,
    });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PROMOTION_API_URL', 'not a url'],
    ['PROMOTION_API_URL', 'ftp://example.com'],
    ['PROMOTION_API_TIMEOUT_MS', '-1'],
    ['UPSTREAM_MAX_CONNECTIONS', '0'],
    ['UPSTREAM_BATCH_SIZE', '101'],
    ['BATCH_WINDOW_MS', '1.5'],
    ['MAX_CUSTOMERS_PER_MUTATION', '0'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['IDEMPOTENCY_TTL_SECONDS', 'forever'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%p with an error naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable} `));
  });

  it.each(['Production', 'PRODUCTION', 'prod'])(
    'takes NODE_ENV=%s as production, refusing to start without PROMOTION_API_URL',
    (value) => {
      expect(() => loadConfig({ NODE_ENV: value })).toThrow(/^PROMOTION_API_URL must be set/);
    },
  );

  it('reads RECONCILE_CLOCK_SKEW_MS: 120000 by default, 0 allowed, a bad value names the variable', () => {
    expect(loadConfig({}).reconcileClockSkewMs).toBe(120_000);
    expect(loadConfig({ RECONCILE_CLOCK_SKEW_MS: '0' }).reconcileClockSkewMs).toBe(0);
    expect(loadConfig({ RECONCILE_CLOCK_SKEW_MS: '5000' }).reconcileClockSkewMs).toBe(5000);
    expect(() => loadConfig({ RECONCILE_CLOCK_SKEW_MS: '-1' })).toThrow(
      'RECONCILE_CLOCK_SKEW_MS must be between 0 and 86400000, got -1',
    );
    expect(() => loadConfig({ RECONCILE_CLOCK_SKEW_MS: '2 minutes' })).toThrow(ConfigError);
  });

  it('reads PROMOTION_CACHE_TTL_SECONDS: 0 turns the definition cache off, a bad value names the variable', () => {
    expect(loadConfig({ PROMOTION_CACHE_TTL_SECONDS: '0' }).promotionCacheTtlSeconds).toBe(0);
    expect(loadConfig({ PROMOTION_CACHE_TTL_SECONDS: '300' }).promotionCacheTtlSeconds).toBe(300);
    expect(() => loadConfig({ PROMOTION_CACHE_TTL_SECONDS: '-1' })).toThrow(
      'PROMOTION_CACHE_TTL_SECONDS must be between 0 and 86400, got -1',
    );
    expect(() => loadConfig({ PROMOTION_CACHE_TTL_SECONDS: 'soon' })).toThrow(ConfigError);
  });

  it('refuses a mutation deadline its own request timeout would cut', () => {
    expect(() =>
      loadConfig({ PROMOTION_API_TIMEOUT_MS: '30000', REQUEST_TIMEOUT_MS: '30000' }),
    ).toThrow(
      /^PROMOTION_API_TIMEOUT_MS must be less than REQUEST_TIMEOUT_MS \(30000\), got 30000$/,
    );
    // A slow body and the API's time together may pass it: the request's end bounds both.
    expect(loadConfig({ REQUEST_TIMEOUT_MS: '15000' }).requestTimeoutMs).toBe(15_000);
  });

  it('serves metrics on 9464 and traces nowhere unless told (DESIGN §10)', () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: 9464, otlpTracesUrl: null });
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesUrl,
    ).toBe('http://collector:4318/v1/traces');
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp',
      }).otlpTracesUrl,
    ).toBe('https://traces.example.com/otlp');
  });

  it.each([
    ['METRICS_PORT', 'ninety'],
    ['METRICS_PORT', '65536'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'grpc://collector:4317'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable} `));
  });

  it('refuses metrics on the public port', () => {
    expect(() => loadConfig({ PORT: '9000', METRICS_PORT: '9000' })).toThrow(
      /^METRICS_PORT must differ from PORT \(9000\)/,
    );
  });

  it('refuses a mutation size the queue could never admit', () => {
    expect(() =>
      loadConfig({ MAX_CUSTOMERS_PER_MUTATION: '500', MAX_QUEUED_CUSTOMERS: '400' }),
    ).toThrow(/^MAX_CUSTOMERS_PER_MUTATION must not exceed MAX_QUEUED_CUSTOMERS \(400\), got 500$/);
  });

  it('stops start-up with a message naming the bad variable', () => {
    const result = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, UPSTREAM_BATCH_SIZE: '500', PORT: '0', METRICS_PORT: '0' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('UPSTREAM_BATCH_SIZE must be between 1 and 100, got 500');
  });
});
