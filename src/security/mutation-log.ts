/**
 * One info line per mutation field: what was asked (action, how many customers), what
 * came of it (payload type, successes, failures) and how long it took. No customer,
 * program or credential identifiers: the request id (reqId) ties it to the rest.
 *
 * Written by the resolver rather than by an Apollo plugin's willResolveField: that hook
 * makes Apollo wrap every field of every mutation, a measurable cost on the hot path.
 */
import { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { BulkAction } from '../domain/promotion';

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
}

/** The payload's GraphQL type: union members are class instances named after their type. */
function outcomeOf(error: unknown, payload: unknown): string {
  if (error !== null) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  }
  return (payload as object | null)?.constructor?.name ?? 'null';
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
  logger.info(
    {
      operationName: facts.operationName,
      action: facts.action,
      customers: facts.customers,
      outcome: outcomeOf(error, payload),
      successCount: isResult ? counts.successCount : 0,
      failureCount: isResult ? counts.failureCount : facts.customers,
      ...(isResult ? { replayed: counts.replayed } : {}),
      durationMs: Math.round((performance.now() - facts.started) * 10) / 10,
    },
    'mutation',
  );
}
