/**
 * Apollo's executor replaced by graphql-jit: an operation run `fromUse` times is compiled
 * once rather than interpreted on every request (BENCHMARKS.md, "Third round"). What a
 * caller sees is what graphql-js would do (test/e2e/compiled-executor.test.ts). A plugin
 * with `willResolveField` would not see compiled operations: start with `compile: false`.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  GraphQLError,
  execute,
  printSchema,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import {
  expandedFieldCount,
  inputTypesWithDefaults,
  isCompilable,
  objectLiteralOfTypes,
} from './compilable';
import { documentHeapBytes } from './document-cache';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
export type GatewayExecutor = NonNullable<
  Awaited<ReturnType<GatewayInterface['load']>>['executor']
>;
type ExecutorRequest = Parameters<GatewayExecutor>[0];

/** Per operation: how often it ran, and its compiled form once it has one. */
interface Compilation {
  runs: number;
  /** null: graphql-js runs it (not compilable, or graphql-jit refused it). */
  query?: CompiledQuery | null;
  /** Estimated heap: a compiled query keeps its document alive besides its own code. */
  heapBytes: number;
}

/** Runs of an operation on graphql-js before it is compiled. */
export const COMPILE_FROM_USE = 10;
/** Operations remembered (compiled or counting runs), least recently run first out. */
export const MAX_COMPILED_OPERATIONS = 200;
/** Default `32 MiB`: estimated heap of the operations remembered. */
export const COMPILED_OPERATIONS_HEAP_BYTES = 32 * 1024 * 1024;
/** Heap of an operation counting its runs: its key and a small object. */
const COUNTING_HEAP_BYTES = 256;
/** Heap of graphql-jit's code per field of the expanded operation: 500 to 600 measured. */
const COMPILED_HEAP_BYTES_PER_FIELD = 640;

export interface CompiledExecutorOptions {
  /** Runs of an operation before it is compiled. Default `COMPILE_FROM_USE`. */
  fromUse?: number;
  /** Estimated heap of the operations remembered. Default `COMPILED_OPERATIONS_HEAP_BYTES`. */
  maxHeapBytes?: number;
}

export interface CompiledExecutorStats {
  /** Operations remembered now, compiled or counting their runs. */
  operations: number;
  /** Their estimated heap, in bytes. */
  heapBytes: number;
  /** Operations compiled so far. */
  compiled: number;
  /** Operations left on graphql-js because graphql-jit would run them differently. */
  declined: number;
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

export function compiledExecutor(
  schema: GraphQLSchema,
  options: CompiledExecutorOptions = {},
): CompiledExecutor {
  const fromUse = options.fromUse ?? COMPILE_FROM_USE;
  const typesWithDefaults = inputTypesWithDefaults(schema);
  // Keyed by Apollo's hash of the query text and the operation that runs: the same text
  // sent with and without its operation name is one entry.
  const compilations = new LRUCache<string, Compilation>({
    max: MAX_COMPILED_OPERATIONS,
    maxSize: options.maxHeapBytes ?? COMPILED_OPERATIONS_HEAP_BYTES,
    sizeCalculation: (compilation) => compilation.heapBytes,
  });
  const stats: CompiledExecutorStats = {
    compiled: 0,
    declined: 0,
    compiledRuns: 0,
    interpretedRuns: 0,
    get operations() {
      return compilations.size;
    },
    get heapBytes() {
      return compilations.calculatedSize;
    },
  };

  const interpret = (request: ExecutorRequest): ExecutionResult | Promise<ExecutionResult> => {
    stats.interpretedRuns++;
    return execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });
  };

  const compiledFor = (
    request: ExecutorRequest,
    operation: OperationDefinitionNode,
  ): CompiledQuery | null => {
    const operationName = operation.name?.value;
    const key = `${request.queryHash}\0${operationName ?? ''}`;
    let compilation = compilations.get(key);
    if (compilation === undefined) {
      compilation = { runs: 0, heapBytes: COUNTING_HEAP_BYTES };
      compilations.set(key, compilation);
    }
    compilation.runs++;
    if (compilation.query === undefined && compilation.runs >= fromUse) {
      compilation.query = null;
      const defaults = objectLiteralOfTypes(schema, request.document, typesWithDefaults);
      if (!isCompilable(request.document, operation, defaults)) {
        stats.declined++;
      } else {
        const compiled = compileQuery(schema, request.document, operationName);
        if (isCompiledQuery(compiled)) {
          // A new entry: the cache sizes an entry when it is set with another value.
          compilation = {
            runs: compilation.runs,
            query: compiled,
            heapBytes:
              documentHeapBytes(request.document) +
              COMPILED_HEAP_BYTES_PER_FIELD * expandedFieldCount(request.document, operation),
          };
          compilations.set(key, compilation);
          stats.compiled++;
        }
      }
    }
    return compilation.query ?? null;
  };

  const executor: GatewayExecutor = async (request) => {
    // Typed as always there; absent when Apollo resolved no operation (unknown or missing
    // operation name): graphql-js words that error.
    const operation = request.operation as OperationDefinitionNode | undefined;
    if (operation === undefined) return interpret(request);
    const query = compiledFor(request, operation);
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
        // Apollo's schema reporting reports this text when it is set.
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => {};
      },
      stop: async () => {},
    },
  };
}
