import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import type { GatewayContext } from '../context';
import type { CompiledExecutor } from './compiled-executor';
import type { DocumentCache } from './document-cache';
import { PERSISTED_QUERY_TTL_SECONDS, type PersistedQueryCache } from './persisted-query-cache';
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
  logger: Logger;
}

/** Apollo Server with the gateway's limits, error policy and plugins; not started. */
export function createApolloServer(
  config: GatewayConfig,
  { schema, executor, documents, persistedQueries, logger }: ApolloParts,
): ApolloServer<GatewayContext> {
  return new ApolloServer<GatewayContext>({
    ...(executor === null ? { schema } : { gateway: executor.gateway }),
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
      ...(config.trustedDocuments === null
        ? []
        : [trustedDocumentsPlugin(config.trustedDocuments)]),
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
