import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { Tracer } from '@opentelemetry/api';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import type { AcceptedCallers } from '../domain/accepted-callers';
import { tracedExecutor } from '../observability/tracing';
import type { CompiledExecutor } from './compiled-executor';
import type { DocumentCache } from './document-cache';
import { PERSISTED_QUERY_TTL_SECONDS, type PersistedQueryCache } from './persisted-query-cache';
import { registrationByAcceptedCallersPlugin } from './persisted-query-registration';
import { trustedDocumentsPlugin } from './trusted-documents';
import { errorReportingPlugin, formatErrorFor } from './error-policy';
import {
  documentSlicesPlugin,
  noSubscriptionsRule,
  operationLimitRules,
  parseOptionsFor,
} from './operation-limits';

export interface ApolloParts {
  schema: GraphQLSchema;
  /** null: graphql-js interprets every operation, as Apollo Server does by itself. */
  executor: CompiledExecutor | null;
  documents: DocumentCache;
  /** Apollo's automatic persisted queries; unused with TRUSTED_DOCUMENTS. */
  persistedQueries: PersistedQueryCache;
  /** Callers the API has accepted: only they add documents to `persistedQueries`. */
  accepted: Pick<AcceptedCallers, 'has'>;
  logger: Logger;
  /** Set when tracing is on: each operation runs in a span (needs an executor). */
  tracer?: Tracer | null;
}

/** Apollo Server with the gateway's limits, error policy and plugins; not started. */
export function createApolloServer(
  config: GatewayConfig,
  { schema, executor, documents, persistedQueries, accepted, logger, tracer = null }: ApolloParts,
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    ...(executor === null ? { schema } : { gateway: gatewayOf(executor, tracer) }),
    allowBatchedHttpRequests: true,
    documentStore: documents,
    // Trusted documents replace APQ: a client must not register a document of its own.
    persistedQueries:
      config.trustedDocuments === null
        ? { cache: persistedQueries, ttl: PERSISTED_QUERY_TTL_SECONDS }
        : false,
    // main.ts owns SIGTERM/SIGINT: Apollo's handlers would re-raise the signal before the
    // process could exit 0.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    parseOptions: parseOptionsFor(config),
    validationRules: [...operationLimitRules(config), noSubscriptionsRule],
    formatError: formatErrorFor({ production: config.production }),
    plugins: [
      config.trustedDocuments === null
        ? registrationByAcceptedCallersPlugin(accepted)
        : trustedDocumentsPlugin(config.trustedDocuments),
      errorReportingPlugin(),
      documentSlicesPlugin(),
      // Nothing this gateway answers is cacheable; the plugin would wrap every field.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo's page loads its UI from a CDN; ours (http/graphiql-page.ts) is served locally.
      ApolloServerPluginLandingPageDisabled(),
    ],
    logger,
  });
}

function gatewayOf(executor: CompiledExecutor, tracer: Tracer | null): CompiledExecutor['gateway'] {
  if (tracer === null) return executor.gateway;
  const { gateway } = executor;
  return {
    ...gateway,
    load: async (options) => {
      const loaded = await gateway.load(options);
      return loaded.executor === null
        ? loaded
        : { ...loaded, executor: tracedExecutor(loaded.executor, tracer) };
    },
  };
}
