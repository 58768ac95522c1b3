import type { GraphQLErrorLike } from './transport';

/** The gateway refused the request itself (top-level GraphQL errors, e.g. UNAUTHENTICATED). */
export class GatewayRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: GraphQLErrorLike[],
  ) {
    const first = errors[0];
    super(`${first?.extensions?.code ?? `HTTP ${status}`}: ${first?.message ?? 'request refused'}`);
    this.name = 'GatewayRequestError';
  }

  /** The first error's `extensions.code`, e.g. `UNAUTHENTICATED`. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/**
 * No answer came back before the deadline or the last attempt. For a mutation, it may or
 * may not have run: send it again later with the same `idempotencyKey` to find out.
 */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastCause: string,
    readonly idempotencyKey: string | null,
  ) {
    super(`no answer from the gateway after ${attempts} attempt(s): ${lastCause}`);
    this.name = 'GatewayUnreachableError';
  }
}
