/**
 * Apollo Server's executor replaced by graphql-jit (BENCHMARKS.md "Third round"). Apollo
 * still parses, validates and caches every document, runs the plugins and formats the
 * errors; only execution changes: a document Apollo hands over again is compiled once
 * into plain JavaScript (its variable coercion included) instead of being interpreted by
 * graphql-js field by field on every request. This took about 15 % of the CPU a
 * single-customer mutation costs.
 *
 * Apollo's gateway interface is how Apollo Server takes another executor; nothing here is
 * federated. What the caller sees is graphql-js' answer, word for word (test/graphql/
 * compiled-executor.test.ts runs the same requests through both):
 * - a document is compiled from its second use: one-off documents (inline literals) are
 *   not worth a compilation and run on graphql-js;
 * - a request whose variables are refused runs on graphql-js, so that its errors are
 *   graphql-js' own, which Apollo recognises as BAD_USER_INPUT;
 * - graphql-jit's errors are rebuilt as graphql-js GraphQLErrors (Apollo expects
 *   `extensions` to be an object).
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  execute,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type ExecutorRequest = Parameters<GatewayExecutor>[0];

/** Per document and operation: how often it ran, and its compiled form once it has one. */
interface Compilation {
  runs: number;
  /** null: graphql-jit could not compile it; graphql-js runs it. */
  query?: CompiledQuery | null;
}

/** Uses before a document is compiled: the first use runs on graphql-js. */
export const COMPILE_FROM_USE = 2;

export interface CompiledExecutorStats {
  /** Documents (per operation name) compiled so far. */
  compiled: number;
  /** Requests answered by a compiled query. */
  compiledRuns: number;
  /** Requests answered by graphql-js. */
  interpretedRuns: number;
}

export interface CompiledExecutor {
  gateway: GatewayInterface;
  readonly stats: CompiledExecutorStats;
}

/** graphql-jit's own error class leaves `extensions` undefined; Apollo reads `.code` from it. */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
  // graphql-jit gives locations only (no nodes to compute them from).
  Object.defineProperty(rebuilt, 'locations', { value: error.locations, enumerable: true });
  return rebuilt;
}

export function compiledExecutor(schema: GraphQLSchema): CompiledExecutor {
  // Apollo's document store hands the same parsed document to every request with the
  // same text, so the document is the key; an evicted document takes its entry with it.
  const compilations = new WeakMap<DocumentNode, Map<string, Compilation>>();
  const stats: CompiledExecutorStats = { compiled: 0, compiledRuns: 0, interpretedRuns: 0 };

  const interpret = (request: ExecutorRequest): Promise<ExecutionResult> => {
    stats.interpretedRuns++;
    return Promise.resolve(
      execute({
        schema,
        document: request.document,
        contextValue: request.context,
        variableValues: request.request.variables,
        operationName: request.request.operationName,
      }),
    );
  };

  const compiledFor = (request: ExecutorRequest): CompiledQuery | null => {
    const { document } = request;
    const operationName = request.request.operationName;
    let byOperation = compilations.get(document);
    if (byOperation === undefined) {
      byOperation = new Map();
      compilations.set(document, byOperation);
    }
    const key = operationName ?? '';
    let compilation = byOperation.get(key);
    if (compilation === undefined) {
      compilation = { runs: 0 };
      byOperation.set(key, compilation);
    }
    compilation.runs++;
    if (compilation.query === undefined && compilation.runs >= COMPILE_FROM_USE) {
      const compiled = compileQuery(schema, document, operationName);
      compilation.query = isCompiledQuery(compiled) ? compiled : null;
      if (compilation.query !== null) stats.compiled++;
    }
    return compilation.query ?? null;
  };

  const executor: GatewayExecutor = async (request) => {
    // Apollo resolved no operation (unknown or missing operation name): graphql-js' error.
    if (request.operation === undefined || request.operation === null) return interpret(request);
    const query = compiledFor(request);
    if (query === null) return interpret(request);
    const result = await query.query(undefined, request.context, request.request.variables ?? {});
    // Errors and no data: the variables were refused and nothing ran.
    if (result.errors !== undefined && !('data' in result)) return interpret(request);
    stats.compiledRuns++;
    if (result.errors === undefined) return result;
    return { ...result, errors: result.errors.map(asGraphQLJsError) };
  };

  return {
    stats,
    gateway: {
      load: async () => ({ executor }),
      onSchemaLoadOrUpdate: (callback) => {
        callback({ apiSchema: schema, coreSupergraphSdl: '' });
        return () => {};
      },
      stop: async () => {},
    },
  };
}
