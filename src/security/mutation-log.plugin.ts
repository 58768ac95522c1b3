/**
 * One info line per mutation field: what was asked (action, how many customers), what
 * came of it (payload type, successes, failures) and how long it took. No customer,
 * program or credential identifiers: the request id (reqId) ties it to the rest.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context';
import type { BulkAction } from '../domain/promotion';

const ACTION_OF_FIELD: Readonly<Record<string, BulkAction>> = {
  enrolCustomers: 'ENROL',
  earnPromotion: 'EARN',
};

interface PayloadCounts {
  totalCount?: unknown;
  successCount?: unknown;
  failureCount?: unknown;
  replayed?: unknown;
}

function customerCountOf(args: Record<string, unknown>): number | null {
  const customers = (args.input as { customers?: unknown } | undefined)?.customers;
  return Array.isArray(customers) ? customers.length : null;
}

/** The payload's GraphQL type: union members are class instances named after their type. */
function outcomeOf(error: Error | null, result: unknown): string {
  if (error) {
    const code = error instanceof GraphQLError ? error.extensions.code : undefined;
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  }
  return (result as object | null)?.constructor?.name ?? 'null';
}

function isRootMutationField(info: GraphQLResolveInfo): boolean {
  return info.operation.operation === 'mutation' && info.path.prev === undefined;
}

export function mutationLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        // Queries get no field hooks at all: Apollo only wraps resolvers for requests that ask.
        async executionDidStart(requestContext) {
          if (requestContext.operation?.operation !== 'mutation') return;
          const { logger } = requestContext.contextValue;
          const operationName = requestContext.operationName;
          return {
            willResolveField({ info, args }) {
              if (!isRootMutationField(info)) return;
              const action = ACTION_OF_FIELD[info.fieldName];
              if (action === undefined) return;
              const customers = customerCountOf(args);
              const started = performance.now();
              return (error, result) => {
                const counts = (error ? {} : (result ?? {})) as PayloadCounts;
                const isResult = typeof counts.successCount === 'number';
                logger.info(
                  {
                    operationName,
                    action,
                    customers,
                    outcome: outcomeOf(error, result),
                    successCount: isResult ? counts.successCount : 0,
                    failureCount: isResult ? counts.failureCount : customers,
                    ...(isResult ? { replayed: counts.replayed } : {}),
                    durationMs: Math.round((performance.now() - started) * 10) / 10,
                  },
                  'mutation',
                );
              };
            },
          };
        },
      };
    },
  };
}
