/**
 * The partner client: one thin method per operation over `runWithRetries`. A new
 * operation is its document in documents/, `npm run codegen`, and a method here.
 */
import type { ResultOf } from '@graphql-typed-document-node/core';
import {
  CustomerPromotionsDocument,
  EarnPromotionDocument,
  EnrolCustomersDocument,
  GatewayLimitsDocument,
  RevokeEarningsDocument,
  RevokeEnrolmentsDocument,
  type CustomerPromotionsInput,
  type EarnPromotionInput,
  type EnrolCustomersInput,
  type RevokeEarningsInput,
  type RevokeEnrolmentsInput,
} from './generated/graphql';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
import { runWithRetries, type RetryEvent } from './run-with-retries';
import { sendOperation, type DocumentMode, type GeneratedDocument } from './transport';

export interface GatewayClientOptions {
  /** The gateway's GraphQL endpoint, e.g. `https://promotions.example.com/graphql`. */
  url: string;
  /** Sent with every request: `Authorization` or `X-CAP-API-OAUTH-TOKEN`. */
  headers?: Record<string, string>;
  /** Default `text`. `trusted`: send documents by hash (the gateway runs TRUSTED_DOCUMENTS). */
  documents?: DocumentMode;
  /** Default `DEFAULT_RETRY_POLICY`. */
  retry?: Partial<RetryPolicy>;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Default `60000` ms: how long one call may keep retrying when it sets no deadline. */
  defaultTimeoutMs?: number;
  /** Called before each retry: what ended the attempt, and how long the client waits. */
  onRetry?: (event: RetryEvent & { operation: string }) => void;
}

export interface CallOptions {
  /** No attempt starts, and no answer is awaited, after this. */
  deadline?: Date;
  /** Default: the client's `defaultTimeoutMs`. Used when no `deadline` is given. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface MutationResult<TPayload> {
  /** The last answer: a union to `switch` on `__typename`. */
  payload: TPayload;
  /** The key every attempt was sent with: the caller's, or one made for this call. */
  idempotencyKey: string;
  attempts: number;
  /** False when retryable errors remain; send the same input with this key later. */
  settled: boolean;
}

export interface QueryResult<TPayload> {
  /** The operation's field: a union to `switch` on `__typename`, or plain data. */
  payload: TPayload;
  attempts: number;
  /** False when the payload is a retryable error and the deadline or attempts ran out. */
  settled: boolean;
}

type PayloadOf<TDocument, TField extends keyof ResultOf<TDocument>> = ResultOf<TDocument>[TField];

type KeyedInput = { idempotencyKey?: string | null };

export type EnrolCustomersPayload = PayloadOf<typeof EnrolCustomersDocument, 'enrolCustomers'>;
export type EarnPromotionPayload = PayloadOf<typeof EarnPromotionDocument, 'earnPromotion'>;
export type RevokeEnrolmentsPayload = PayloadOf<
  typeof RevokeEnrolmentsDocument,
  'revokeEnrolments'
>;
export type RevokeEarningsPayload = PayloadOf<typeof RevokeEarningsDocument, 'revokeEarnings'>;
export type CustomerPromotionsPayload = PayloadOf<
  typeof CustomerPromotionsDocument,
  'customerPromotions'
>;
export type GatewayLimits = ResultOf<typeof GatewayLimitsDocument>['gatewayLimits'];

export class GatewayClient {
  private readonly policy: RetryPolicy;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GatewayClientOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Enrols customers into an Enrol-and-Issue promotion (at most gatewayLimits.maxCustomersPerMutation). */
  enrolCustomers(
    input: EnrolCustomersInput,
    options?: CallOptions,
  ): Promise<MutationResult<EnrolCustomersPayload>> {
    return this.mutate(EnrolCustomersDocument, 'enrolCustomers', input, options);
  }

  /** Customers earn a promotion. */
  earnPromotion(
    input: EarnPromotionInput,
    options?: CallOptions,
  ): Promise<MutationResult<EarnPromotionPayload>> {
    return this.mutate(EarnPromotionDocument, 'earnPromotion', input, options);
  }

  /** Takes back customers' enrolments; their earnings must be revoked first. */
  revokeEnrolments(
    input: RevokeEnrolmentsInput,
    options?: CallOptions,
  ): Promise<MutationResult<RevokeEnrolmentsPayload>> {
    return this.mutate(RevokeEnrolmentsDocument, 'revokeEnrolments', input, options);
  }

  /** Takes back what customers earned: the earnedIds given, or all of them. */
  revokeEarnings(
    input: RevokeEarningsInput,
    options?: CallOptions,
  ): Promise<MutationResult<RevokeEarningsPayload>> {
    return this.mutate(RevokeEarningsDocument, 'revokeEarnings', input, options);
  }

  /** A customer's promotions, a page at a time (pass `pageInfo.endCursor` as `after`). */
  customerPromotions(
    input: CustomerPromotionsInput,
    options?: CallOptions,
  ): Promise<QueryResult<CustomerPromotionsPayload>> {
    return this.query(CustomerPromotionsDocument, 'customerPromotions', { input }, options);
  }

  /** The gateway's limits, to size mutations by. */
  async gatewayLimits(options?: CallOptions): Promise<GatewayLimits> {
    return (await this.query(GatewayLimitsDocument, 'gatewayLimits', {}, options)).payload;
  }

  /**
   * Any mutation whose only variable is a keyed `input`: every attempt carries the same
   * input and key, which is what the gateway replays or finishes (DESIGN §2 Idempotency).
   */
  async mutate<TResult, TField extends keyof TResult & string, TInput extends KeyedInput>(
    document: GeneratedDocument<TResult, { input: TInput }>,
    field: TField,
    input: TInput,
    options: CallOptions = {},
  ): Promise<MutationResult<TResult[TField]>> {
    const idempotencyKey = input.idempotencyKey ?? globalThis.crypto.randomUUID();
    const variables = { input: { ...input, idempotencyKey } };
    const settled = await this.run(document, field, variables, options, idempotencyKey);
    return { ...settled, idempotencyKey };
  }

  /** Any query: reads are safe to repeat, so they are retried the same way, without a key. */
  query<TResult, TField extends keyof TResult & string, TVariables>(
    document: GeneratedDocument<TResult, TVariables>,
    field: TField,
    variables: TVariables,
    options: CallOptions = {},
  ): Promise<QueryResult<TResult[TField]>> {
    return this.run(document, field, variables, options, null);
  }

  private async run<TResult, TField extends keyof TResult & string, TVariables>(
    document: GeneratedDocument<TResult, TVariables>,
    field: TField,
    variables: TVariables,
    options: CallOptions,
    idempotencyKey: string | null,
  ): Promise<QueryResult<TResult[TField]>> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs ?? 60_000;
    const deadline = options.deadline?.getTime() ?? Date.now() + timeoutMs;
    const settled = await runWithRetries({
      attempt: (signal) =>
        sendOperation(document, variables, {
          url: this.options.url,
          headers: this.options.headers ?? {},
          mode: this.options.documents ?? 'text',
          fetch: this.fetch,
          signal,
        }),
      payloadOf: (data) => data[field],
      deadline,
      policy: this.policy,
      idempotencyKey,
      ...(options.signal ? { signal: options.signal } : {}),
      onRetry: (event) => this.options.onRetry?.({ ...event, operation: field }),
    });
    return {
      payload: settled.data[field],
      attempts: settled.attempts,
      settled: settled.settled,
    };
  }
}
