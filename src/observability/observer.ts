/**
 * What the gateway tells its operators (DESIGN §10), as a few calls that the resolver,
 * the service, the batcher and the REST client make. The composition root passes one
 * observer down; metrics and traces are implementations of it, and the default does nothing.
 */
import type { SpanContext } from '@opentelemetry/api';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction } from '../domain/promotion';

/** The span of the GraphQL operation a mutation belongs to (tracing on), for the call's links. */
export type OperationTrace = SpanContext;

/** How a keyed mutation's idempotency record was claimed (label `result`). */
export type IdempotencyResult =
  'claimed' | 'replayed' | 'in_progress' | 'input_mismatch' | 'unavailable' | 'full';

/** One mutation field, answered: its GraphQL names only, never an identifier. */
export interface MutationAnswer {
  /** The mutation field, e.g. `enrolCustomers`. */
  operation: string;
  action: BulkAction;
  /** The payload's GraphQL type (`EnrolCustomersResult`, `InvalidInputError` ...), or the error code. */
  payload: string;
  /** Customers by the GraphQL type of their outcome (`Enrolment`, `OutcomeUnknownError` ...). */
  outcomes: ReadonlyMap<string, number>;
}

/** One call to the API, from the batch that makes it to the answer of its customers. */
export interface UpstreamCallObservation {
  /** Sent with every attempt of the call: `traceparent` when tracing is on, else none. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * One request of the call ended. `status` is the HTTP status, `not_sent` (provably never
   * written) or `failed` (sent, then reset or timed out).
   */
  attempt(endpoint: string, status: string, seconds: number): void;
  /** The call answered its customers. */
  end(outcomes: readonly CustomerOutcome[]): void;
}

/** One read of the API (a lookup or a definition), from its start to its answer. */
export interface UpstreamReadObservation {
  /** Sent with every attempt of the read: `traceparent` when tracing is on, else none. */
  readonly headers: Readonly<Record<string, string>>;
  /** As `UpstreamCallObservation.attempt`; `endpoint` is a path template, never an id. */
  attempt(endpoint: string, status: string, seconds: number): void;
  /** Another operation joined the read in flight (DESIGN §8: identical reads share one call). */
  joined(operation: OperationTrace | undefined): void;
  /** The read answered: `OK`, or the kind of its failure. */
  end(result: string): void;
}

/** One query field answered (reads: `customerPromotions`, `promotion`). */
export interface QueryAnswer {
  operation: string;
  /** As `MutationAnswer.payload`. */
  payload: string;
}

export interface GatewayObserver {
  mutationAnswered(answer: MutationAnswer): void;
  queryAnswered(answer: QueryAnswer): void;
  idempotency(result: IdempotencyResult): void;
  /** A batch of `customers` leaves for the API, carrying customers of these operations. */
  upstreamCall(
    action: BulkAction,
    customers: number,
    operations: readonly (OperationTrace | undefined)[],
  ): UpstreamCallObservation;
  /**
   * A read of `endpoint` (a path template) leaves for the API, for the operation that asked
   * first (none: the mutation path's reconcile).
   */
  upstreamRead(endpoint: string, operation: OperationTrace | undefined): UpstreamReadObservation;
}

const NO_CALL: UpstreamCallObservation = {
  headers: {},
  attempt: () => undefined,
  end: () => undefined,
};

export const NO_READ: UpstreamReadObservation = {
  headers: {},
  attempt: () => undefined,
  joined: () => undefined,
  end: () => undefined,
};

export const NO_OBSERVER: GatewayObserver = {
  mutationAnswered: () => undefined,
  queryAnswered: () => undefined,
  idempotency: () => undefined,
  upstreamCall: () => NO_CALL,
  upstreamRead: () => NO_READ,
};

/** Every observer hears every call; a call's headers are the union of theirs. */
export function observerOf(observers: readonly GatewayObserver[]): GatewayObserver {
  if (observers.length === 0) return NO_OBSERVER;
  if (observers.length === 1) return observers[0] as GatewayObserver;
  return {
    mutationAnswered: (answer) => observers.forEach((o) => o.mutationAnswered(answer)),
    queryAnswered: (answer) => observers.forEach((o) => o.queryAnswered(answer)),
    idempotency: (result) => observers.forEach((o) => o.idempotency(result)),
    upstreamCall: (action, customers, operations) => {
      const calls = observers.map((o) => o.upstreamCall(action, customers, operations));
      return {
        headers: Object.assign({}, ...calls.map((c) => c.headers)) as Record<string, string>,
        attempt: (endpoint, status, seconds) =>
          calls.forEach((c) => c.attempt(endpoint, status, seconds)),
        end: (outcomes) => calls.forEach((c) => c.end(outcomes)),
      };
    },
    upstreamRead: (endpoint, operation) => {
      const reads = observers.map((o) => o.upstreamRead(endpoint, operation));
      return {
        headers: Object.assign({}, ...reads.map((r) => r.headers)) as Record<string, string>,
        attempt: (endpoint, status, seconds) =>
          reads.forEach((r) => r.attempt(endpoint, status, seconds)),
        joined: (joiner) => reads.forEach((r) => r.joined(joiner)),
        end: (result) => reads.forEach((r) => r.end(result)),
      };
    },
  };
}
