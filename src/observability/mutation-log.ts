/**
 * One info line per mutation field: what was asked, what came of it, how long it took; no
 * identifier but the request id. Written by the resolver: a `willResolveField` plugin
 * would make Apollo wrap every field (BENCHMARKS.md).
 */
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import { getMetadataStorage } from 'type-graphql';
import type { BulkAction } from '../domain/promotion';
import { MutationError } from '../schema/mutation-error.interface';
import type { MutationAnswer } from './observer';

export interface MutationLogFacts {
  operationName: string | null;
  action: BulkAction;
  customers: number;
  /** performance.now() when the resolver started. */
  started: number;
}

interface PayloadCounts {
  successCount?: unknown;
  failureCount?: unknown;
  replayed?: unknown;
  results?: unknown;
}

const typeNames = new WeakMap<object, string>();

/**
 * The GraphQL type an object was built as (union members are class instances), from
 * type-graphql's own record: a class made by a factory keeps the factory's class name.
 */
export function graphqlTypeNameOf(value: object): string {
  const type: unknown = value.constructor;
  if (typeof type !== 'function') return 'Object';
  let name = typeNames.get(type);
  if (name === undefined) {
    name = getMetadataStorage().objectTypes.find((t) => t.target === type)?.name ?? type.name;
    typeNames.set(type, name);
  }
  return name;
}

/** A field's payload as metrics and logs name it: its GraphQL type, or the error code it threw. */
export function payloadNameOf(error: unknown, payload: unknown): string {
  if (error !== null) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  }
  return payload !== null && typeof payload === 'object' ? graphqlTypeNameOf(payload) : 'null';
}

/** How many customers failed as what: a few type names, never an identifier. */
function failuresOf(results: unknown): Record<string, number> | undefined {
  if (!Array.isArray(results)) return undefined;
  const failures: Record<string, number> = {};
  for (const result of results as Array<{ outcome?: unknown }>) {
    if (!(result.outcome instanceof MutationError)) continue;
    const name = graphqlTypeNameOf(result.outcome);
    failures[name] = (failures[name] ?? 0) + 1;
  }
  return Object.keys(failures).length > 0 ? failures : undefined;
}

export function logMutation(
  logger: Logger,
  facts: MutationLogFacts,
  error: unknown,
  payload: unknown,
): void {
  if (!logger.isLevelEnabled('info')) return;
  const counts = (error === null ? (payload ?? {}) : {}) as PayloadCounts;
  const isResult = typeof counts.successCount === 'number';
  const failures = isResult ? failuresOf(counts.results) : undefined;
  logger.info(
    {
      operationName: facts.operationName,
      action: facts.action,
      customers: facts.customers,
      outcome: payloadNameOf(error, payload),
      successCount: isResult ? counts.successCount : 0,
      failureCount: isResult ? counts.failureCount : facts.customers,
      ...(failures ? { failures } : {}),
      ...(isResult ? { replayed: counts.replayed } : {}),
      durationMs: Math.round((performance.now() - facts.started) * 10) / 10,
    },
    'mutation',
  );
}

/**
 * The same facts for the metrics: the payload's type, and each customer's outcome by its
 * type (a payload without results, e.g. a hoisted error, is every customer's outcome).
 */
export function mutationAnswerOf(
  operation: string,
  facts: MutationLogFacts,
  error: unknown,
  payload: unknown,
): MutationAnswer {
  const name = payloadNameOf(error, payload);
  const results = error === null ? (payload as PayloadCounts | null)?.results : undefined;
  const outcomes = new Map<string, number>();
  if (Array.isArray(results)) {
    for (const result of results as Array<{ outcome?: unknown }>) {
      const outcome =
        result.outcome !== null && typeof result.outcome === 'object'
          ? graphqlTypeNameOf(result.outcome)
          : 'null';
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
  } else {
    outcomes.set(name, facts.customers);
  }
  return { operation, action: facts.action, payload: name, outcomes };
}
