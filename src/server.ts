import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { documentCache, type DocumentCache } from './graphql/document-cache';
import type { GatewayConfig } from './config';
import { credentialsFrom, type GatewayContext } from './context';
import {
  compiledExecutor,
  type CompiledExecutorOptions,
  type CompiledExecutorStats,
} from './graphql/compiled-executor';
import { createPromotionApi } from './datasources';
import { shutDownGracefully } from './http/shutdown';
import { createIdempotencyStore } from './idempotency';
import type { IdempotencyStore } from './idempotency/idempotency.store';
import { createLogger } from './observability/logger';
import { PromotionService, type PromotionSubmitter } from './promotion/promotion.service';
import { buildGatewaySchema } from './schema';
import { errorReportingPlugin, formatErrorFor } from './graphql/error-policy';
import {
  BODY_BYTES_IN_FLIGHT,
  GRAPHQL_PATH,
  documentNestingLimitFor,
  gatewayErrorHandler,
  registerBodyBudget,
  registerCors,
  registerMethodNotAllowed,
  registerRequestGuards,
  registerRequestTimeout,
  socketLimitsFor,
} from './http/guards';
import {
  documentSlicesPlugin,
  noSubscriptionsRule,
  operationLimitRules,
  parseOptionsFor,
} from './graphql/operation-limits';

export interface Gateway {
  /** e.g. http://127.0.0.1:4000/graphql */
  graphqlUrl: string;
  port: number;
  app: FastifyInstance;
  /** How operations ran: compiled or interpreted (null when `compile: false`). */
  executorStats: CompiledExecutorStats | null;
  /** Apollo's cache of parsed, validated documents: how many, and their estimated heap. */
  documents: Pick<DocumentCache, 'entries' | 'heapBytes'>;
  /** Stop accepting, answer every waiting caller, close connections to the API and the store. */
  close(): Promise<void>;
}

export interface GatewayDependencies {
  /** Base URL of the promotion API the gateway talks to. */
  apiUrl: string;
  /** Default: `createLogger(config)`. Pass one from `createLogger` to keep its masking. */
  logger?: Logger;
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
}

const REQUEST_ID_PATTERN = /^[\w.-]{1,64}$/;

/** Builds and starts the gateway: Apollo Server on fastify, the batcher, the idempotency store. */
export async function startGateway(
  config: GatewayConfig,
  deps: GatewayDependencies,
): Promise<Gateway> {
  const logger = deps.logger ?? createLogger(config);
  const schema = deps.schema ?? (await buildGatewaySchema());
  const api = createPromotionApi(config, deps.apiUrl, logger);
  const store =
    deps.store ??
    createIdempotencyStore({
      redisUrl: config.redisUrl,
      ttlSeconds: config.idempotencyTtlSeconds,
      maxBytes: config.idempotencyMemoryMaxBytes,
      logger,
    });
  const promotions = new PromotionService(deps.submitter ?? api.batcher, store, {
    maxCustomersPerMutation: config.maxCustomersPerMutation,
    timeoutMs: config.promotionApiTimeoutMs,
    logger,
  });

  const app = Fastify({
    // fastify types its logger against its own pino; ours is the same API.
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: config.maxBodyBytes,
    ...socketLimitsFor(config),
    // A caller's own request id is kept when it is safe to log; otherwise we make one.
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
  });

  // Past it node closes each new socket as soon as it is accepted.
  app.server.maxConnections = config.maxConnections;

  let shuttingDown = false;
  const executor = deps.compile === false ? null : compiledExecutor(schema, deps.compile);
  // Apollo's default counts 30 MiB of JSON, some 140 MB of heap (src/graphql/document-cache.ts).
  const documents = documentCache();
  const apollo = new ApolloServer<GatewayContext>({
    ...(executor === null ? { schema } : { gateway: executor.gateway }),
    allowBatchedHttpRequests: true,
    documentStore: documents,
    // main.ts owns SIGTERM/SIGINT (src/http/shutdown.ts). Apollo's own handlers would stop the
    // server and then re-send the signal, killing the process before it exits 0.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    parseOptions: parseOptionsFor(config),
    validationRules: [...operationLimitRules(config), noSubscriptionsRule],
    formatError: formatErrorFor({ production: config.production }),
    plugins: [
      errorReportingPlugin(),
      documentSlicesPlugin(),
      // Nothing this gateway answers is cacheable; the plugin would wrap every field.
      ApolloServerPluginCacheControlDisabled(),
      // Production serves no page about the API to browsers.
      ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
    logger,
  });
  await apollo.start();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // While shutting down, an answered connection is closed rather than kept alive, so
    // that close() need not wait out its keep-alive and its client does not reuse it.
    if (shuttingDown) reply.header('connection', 'close');
  });
  app.setErrorHandler(gatewayErrorHandler(config));
  await registerCors(app, config.corsOrigins);
  registerRequestTimeout(app, config.requestTimeoutMs);
  registerBodyBudget(app, {
    maxBytes: Math.max(BODY_BYTES_IN_FLIGHT, config.maxBodyBytes),
    maxBodyBytes: config.maxBodyBytes,
  });
  registerRequestGuards(app, {
    maxBatchOperations: config.maxBatchOperations,
    maxDocumentNesting: documentNestingLimitFor(config.maxQueryDepth),
  });
  registerMethodNotAllowed(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (shuttingDown) return reply.code(503).send({ status: 'shutting down' });
    try {
      await store.ping();
    } catch {
      return reply.code(503).send({ status: 'idempotency store unavailable' });
    }
    return { status: 'ready' };
  });
  await app.register(fastifyApollo(apollo), {
    path: GRAPHQL_PATH,
    context: async (request) => ({
      requestId: request.id,
      credentials: credentialsFrom(request.headers),
      promotions,
      config,
      logger: request.log as Logger,
    }),
  });

  await app.listen({ port: config.port, host: config.host });
  const { port } = app.server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    shuttingDown = true;
    closing ??= shutDownGracefully({ app, api, store, logger });
    return closing;
  };

  return {
    graphqlUrl: `http://${hostForUrl}:${port}/graphql`,
    port,
    app,
    executorStats: executor?.stats ?? null,
    documents,
    close,
  };
}
