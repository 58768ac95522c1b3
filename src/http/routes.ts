import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { answerByOf, credentialsFrom, type GatewayContext } from '../context';
import type { IdempotencyStore } from '../idempotency/idempotency.store';
import type { GatewayObserver } from '../observability/observer';
import type { PromotionReadService } from '../promotion/promotion-read.service';
import type { PromotionService } from '../promotion/promotion.service';
import { BODY_BYTES_IN_FLIGHT, registerBodyBudget } from './body-budget';
import { documentNestingLimitFor } from './document-nesting';
import { registerGraphiQLPage } from './graphiql-page';
import { ViolationBudget } from '../resolvers/violation-budget';
import {
  GRAPHQL_PATH,
  gatewayErrorHandler,
  registerCors,
  registerMethodNotAllowed,
  registerRequestGuards,
  registerRequestTimeout,
  registerServerErrorLog,
  socketLimitsFor,
} from './guards';

const REQUEST_ID_PATTERN = /^[\w.-]{1,64}$/;

/** The fastify instance with the gateway's socket limits and request ids; no routes yet. */
export function createHttpApp(config: GatewayConfig, logger: Logger): FastifyInstance {
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
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
  return app;
}

export interface GatewayRouteParts {
  apollo: ApolloServer<GatewayContext>;
  promotions: PromotionService;
  reads: PromotionReadService;
  store: IdempotencyStore;
  isShuttingDown: () => boolean;
  /** The Authorization header GraphiQL's page starts with; null: none. */
  graphiqlAuthorization: string | null;
  observer: GatewayObserver;
}

/** Guards first, then health, readiness and GraphQL; `apollo` must have been started. */
export async function registerGatewayRoutes(
  app: FastifyInstance,
  config: GatewayConfig,
  {
    apollo,
    promotions,
    reads,
    store,
    isShuttingDown,
    graphiqlAuthorization,
    observer,
  }: GatewayRouteParts,
): Promise<void> {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // While shutting down, close() must not wait out a keep-alive nor see the connection reused.
    if (isShuttingDown()) reply.header('connection', 'close');
  });
  registerServerErrorLog(app);
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
  // Production serves no page about the API to browsers.
  if (!config.production) registerGraphiQLPage(app, { authorization: graphiqlAuthorization });
  app.get('/healthz', async () => ({ status: 'ok' }));
  // 503 only while this replica cannot serve at all (DESIGN §10): a Redis outage taking
  // every replica out of the balancer at once would turn a degraded service into none.
  app.get('/readyz', async (_request, reply) => {
    if (isShuttingDown()) return reply.code(503).send({ status: 'shutting down' });
    try {
      await store.ping();
    } catch {
      return {
        status: 'degraded',
        idempotencyStore: 'unavailable: keyed mutations answer UpstreamUnavailableError',
      };
    }
    return { status: 'ready' };
  });
  await app.register(fastifyApollo(apollo), {
    path: GRAPHQL_PATH,
    context: async (request, reply) => {
      const credentials = credentialsFrom(request.headers);
      return {
        requestId: request.id,
        answerBy: answerByOf(config.requestTimeoutMs, reply.elapsedTime),
        credentials,
        promotions,
        reads,
        definitions: reads.definitionLoaderFor(credentials),
        config,
        logger: request.log as Logger,
        observer,
        violations: new ViolationBudget(),
      };
    },
  });
}
