/**
 * The composition root: the one place that builds the gateway's objects from config
 * (logger, schema, promotion API, idempotency store, service, Apollo, fastify) and wires
 * them together. Everything else takes what it needs as arguments.
 */
import type { AddressInfo } from 'node:net';
import { CircuitState } from 'cockatiel';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { DestinationStream, Logger } from 'pino';
import type { GatewayConfig } from './config';
import { createPromotionApi } from './datasources/promotion-api';
import { createApolloServer } from './graphql/apollo-server';
import {
  compiledExecutor,
  type CompiledExecutorOptions,
  type CompiledExecutorStats,
} from './graphql/compiled-executor';
import { documentCache, type DocumentCache } from './graphql/document-cache';
import { createPersistedQueryCache } from './graphql/persisted-query-cache';
import { createHttpApp, registerGatewayRoutes } from './http/routes';
import { shutDownGracefully } from './http/shutdown';
import { createIdempotencyStore } from './idempotency';
import type { IdempotencyStore } from './idempotency/idempotency.store';
import { createLogger } from './observability/logger';
import { GatewayMetrics, serveMetrics, type MetricsServer } from './observability/metrics';
import { observerOf, type GatewayObserver } from './observability/observer';
import { startTracing, tracingObserver } from './observability/tracing';
import { PromotionReadService } from './promotion/promotion-read.service';
import { PromotionService, type PromotionSubmitter } from './promotion/promotion.service';
import { ReportedWork, tellerOf } from './promotion/reported-work';
import { UnknownOutcomeReconciler } from './promotion/unknown-outcome.reconciler';
import { buildGatewaySchema } from './resolvers';

export interface Gateway {
  /** e.g. http://127.0.0.1:4000/graphql */
  graphqlUrl: string;
  port: number;
  app: FastifyInstance;
  /** The gateway's logger: the one given, or the one built from config. */
  logger: Logger;
  /** How operations ran: compiled or interpreted (null when `compile: false`). */
  executorStats: CompiledExecutorStats | null;
  /** The read side: its shared calls' counts (tests, benchmarks) and the lookup issue 15 reuses. */
  reads: PromotionReadService;
  /** Apollo's cache of parsed, validated documents: how many, and their estimated heap. */
  documents: Pick<DocumentCache, 'entries' | 'heapBytes'>;
  /** e.g. http://127.0.0.1:9464/metrics; null when METRICS_PORT=0. */
  metricsUrl: string | null;
  /** Stop accepting, answer every waiting caller, close connections to the API and the store. */
  close(): Promise<void>;
}

export interface GatewayDependencies {
  /** Base URL of the promotion API the gateway talks to. */
  apiUrl: string;
  /** Default: `createLogger(config, logDestination)`. Pass one from `createLogger` to keep its masking. */
  logger?: Logger;
  /** Default: stdout, never blocking. Where the logger built from config writes. */
  logDestination?: DestinationStream;
  schema?: GraphQLSchema;
  store?: IdempotencyStore;
  /**
   * Replaces the batcher as what the service hands validated mutations to. Only for
   * measuring the GraphQL layer alone (bench/ ceiling); the API is never called then.
   */
  submitter?: PromotionSubmitter;
  /**
   * Default `{}`: operations run as graphql-jit compiled queries (src/graphql/compiled-executor.ts),
   * with these options. false: graphql-js interprets every one, as Apollo Server does by itself.
   */
  compile?: false | CompiledExecutorOptions;
  /** Default none. The Authorization header GraphiQL starts with: main.ts gives the sandbox's demo one. */
  graphiqlAuthorization?: string;
  /**
   * Default `config.metricsPort`. Where /metrics listens, 0 = a port the system picks (read it
   * from `metricsUrl`): METRICS_PORT=0 means off, so tests say "any free port" here instead of
   * finding one first and racing other processes for it.
   */
  metricsPort?: number;
}

/** Builds and starts the gateway: Apollo Server on fastify, the batcher, the idempotency store. */
export async function startGateway(
  config: GatewayConfig,
  deps: GatewayDependencies,
): Promise<Gateway> {
  const logger = deps.logger ?? createLogger(config, deps.logDestination);
  const schema = deps.schema ?? (await buildGatewaySchema());
  const tracing = config.otlpTracesUrl === null ? null : startTracing(config.otlpTracesUrl);
  const metricsPort = deps.metricsPort ?? config.metricsPort;
  const metrics =
    deps.metricsPort === undefined && config.metricsPort === 0
      ? null
      : new GatewayMetrics({
          queuedCustomers: () => api.batcher.queuedCustomers,
          circuitOpen: (path) =>
            path === 'bulk'
              ? api.client.circuitState !== CircuitState.Closed
              : api.reads.readsPaused(),
        });
  const observer = observerOf(
    [metrics, tracing === null ? null : tracingObserver(tracing.tracer)].filter(
      (o): o is GatewayObserver => o !== null,
    ),
  );
  const api = createPromotionApi(config, deps.apiUrl, logger, observer);
  const store =
    deps.store ??
    createIdempotencyStore({
      redisUrl: config.redisUrl,
      ttlSeconds: config.idempotencyTtlSeconds,
      maxBytes: config.idempotencyMemoryMaxBytes,
      logger,
    });
  const reads = new PromotionReadService(api.reads, {
    timeoutMs: config.promotionApiTimeoutMs,
    cacheTtlSeconds: config.promotionCacheTtlSeconds,
    cursorSecret: config.cursorSecret,
    observer,
    accepted: api.accepted,
    // A quarter of the connections at most for callers the API has not accepted yet.
    maxUnverifiedReads: Math.max(1, Math.floor(config.upstreamMaxConnections / 4)),
  });
  const reportedWork = new ReportedWork({ ttlMs: config.idempotencyTtlSeconds * 1000 });
  const promotions = new PromotionService(deps.submitter ?? api.batcher, store, {
    maxCustomersPerMutation: config.maxCustomersPerMutation,
    timeoutMs: config.promotionApiTimeoutMs,
    logger,
    onWritten: (credentials, request, outcomes) => {
      reads.writeFinished(credentials, request, outcomes);
      reportedWork.record(request.action, outcomes, tellerOf(credentials, request));
    },
    observer,
    reconciler: new UnknownOutcomeReconciler(reads, {
      clockSkewMs: config.reconcileClockSkewMs,
      reportedWork,
      logger,
    }),
  });

  const executor = deps.compile === false ? null : compiledExecutor(schema, deps.compile);
  const documents = documentCache();
  const persistedQueries = createPersistedQueryCache(config.redisUrl, logger);
  const apollo = createApolloServer(config, {
    schema,
    executor,
    documents,
    persistedQueries,
    accepted: api.accepted,
    logger,
    tracer: tracing?.tracer ?? null,
  });
  await apollo.start();

  let shuttingDown = false;
  const app = createHttpApp(config, logger);
  app.addHook('onClose', () => persistedQueries.close());
  await registerGatewayRoutes(app, config, {
    apollo,
    promotions,
    reads,
    store,
    isShuttingDown: () => shuttingDown,
    graphiqlAuthorization: deps.graphiqlAuthorization ?? null,
    observer,
  });
  await app.listen({ port: config.port, host: config.host });
  let metricsServer: MetricsServer | null = null;
  if (metrics !== null) {
    try {
      metricsServer = await serveMetrics(metrics.registry, {
        port: metricsPort,
        host: config.host,
      });
    } catch (error) {
      await app.close();
      throw error;
    }
  }
  const { port } = app.server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    shuttingDown = true;
    // Scrapes and spans still see the drain; they stop last.
    closing ??= shutDownGracefully({ app, api, store, logger })
      .then(() => metricsServer?.close())
      .then(() => tracing?.shutdown());
    return closing;
  };

  return {
    graphqlUrl: `http://${hostForUrl}:${port}/graphql`,
    port,
    app,
    logger,
    executorStats: executor?.stats ?? null,
    reads,
    documents,
    metricsUrl: metricsServer?.url ?? null,
    close,
  };
}
