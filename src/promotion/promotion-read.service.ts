/**
 * The read side from start to answer (DESIGN §8): credentials, validation, identical
 * lookups in flight shared per caller (with read-your-writes), definitions through a
 * per-request DataLoader and a bounded per-caller TTL cache. Returns values; the
 * resolvers dress them as GraphQL types.
 */
import { LRUCache } from 'lru-cache';
import { AcceptedCallers } from '../domain/accepted-callers';
import { callerIdOf, callerOf, type Caller } from '../domain/caller';
import type { CustomerOutcome } from '../domain/outcome';
import type { Credentials, PromotionRequest } from '../domain/promotion';
import type {
  CustomerPromotionsPage,
  LookupQuery,
  PromotionDefinition,
  PromotionKey,
  ReadFailure,
  ReadResult,
} from '../domain/promotion-read';
import {
  PROMOTION_DATA_PATH,
  PROMOTION_DEFINITION_ENDPOINT,
  lookupQueryString,
} from '../datasources/promotion-read.request';
import {
  NO_OBSERVER,
  type GatewayObserver,
  type OperationTrace,
  type UpstreamReadObservation,
} from '../observability/observer';
import { SharedReads, type CustomerKeys } from '../datasources/shared-reads';
import { definitionLoaders, type DefinitionLoader } from './definition-loaders';
import { PageCursors } from './page-cursor';
import type { Refusal } from './payload';
import { ReadAdmission } from './read-admission';
import { hasCredentials } from './promotion.service';
import { NO_CREDENTIALS } from './refusal';
import type { InputViolation } from './validate-input';
import {
  validateCustomerPromotionsInput,
  validatePromotionKey,
  type UncheckedCustomerPromotionsInput,
} from './validate-read-input';

/** What the service needs of the REST client (src/datasources/promotion-read.client.ts). */
export interface PromotionReads {
  lookupPromotionData(
    credentials: Credentials,
    query: LookupQuery,
    deadline: number,
    observation?: UpstreamReadObservation,
  ): Promise<ReadResult<CustomerPromotionsPage>>;
  getPromotion(
    credentials: Credentials,
    key: PromotionKey,
    deadline: number,
    observation?: UpstreamReadObservation,
  ): Promise<ReadResult<PromotionDefinition>>;
  /** True while the reads' circuit is open or half-open; absent: never. */
  readsPaused?(): boolean;
}

export interface PromotionReadServiceOptions {
  /** Deadline of one read, retries included (PROMOTION_API_TIMEOUT_MS). */
  timeoutMs: number;
  /** Default `60`. PROMOTION_CACHE_TTL_SECONDS: how long a definition is reused per caller; 0 = off. */
  cacheTtlSeconds: number;
  /** Default `10000`. Definitions cached, all callers together; the least recent goes first. */
  maxCachedDefinitions?: number;
  /** Default `1000`. Distinct reads one caller may have in flight. */
  maxReadsInFlightPerCaller?: number;
  /** Default null (this process's own key). CURSOR_SECRET: the key page cursors are signed with. */
  cursorSecret?: string | null;
  /** Hears every read that goes to the API (metrics, traces). */
  observer?: GatewayObserver;
  /** Default: a set of its own. Callers the API accepted, shared with the bulk calls' batcher. */
  accepted?: AcceptedCallers;
  /** Default `8`. Reads at the API at once of all callers the API has not accepted yet. */
  maxUnverifiedReads?: number;
}

/** A read that failed as a whole (auth refusals answer as top-level errors instead). */
export type ReadError = Exclude<ReadFailure, { kind: 'AUTH_REJECTED' }>;

export type CustomerPromotionsAnswer =
  | {
      kind: 'PAGE';
      page: CustomerPromotionsPage;
      offset: number;
      cursorAt: (offset: number) => string;
    }
  | { kind: 'INVALID_INPUT'; violations: InputViolation[] }
  | { kind: 'FAILED'; failure: ReadError }
  | Refusal;

export type PromotionDefinitionAnswer =
  | { kind: 'DEFINITION'; definition: PromotionDefinition }
  | { kind: 'INVALID_INPUT'; violations: InputViolation[] }
  | { kind: 'FAILED'; failure: ReadError }
  | Refusal;

const TOO_MANY_READS: ReadError = {
  kind: 'RATE_LIMITED',
  message: 'Too many reads in flight for these credentials; retry in a moment.',
  retryAfterSeconds: 1,
};

export class PromotionReadService {
  readonly shared: SharedReads;
  private readonly definitions: LRUCache<string, PromotionDefinition> | null;
  private readonly cursors: PageCursors;
  private readonly observer: GatewayObserver;
  private readonly admission: ReadAdmission;

  constructor(
    private readonly client: PromotionReads,
    private readonly options: PromotionReadServiceOptions,
  ) {
    this.shared = new SharedReads({
      ...(options.maxReadsInFlightPerCaller === undefined
        ? {}
        : { maxInFlightPerCaller: options.maxReadsInFlightPerCaller }),
    });
    this.cursors = new PageCursors(options.cursorSecret ?? null);
    this.admission = new ReadAdmission(
      options.accepted ?? new AcceptedCallers(),
      options.maxUnverifiedReads ?? 8,
    );
    this.observer = options.observer ?? NO_OBSERVER;
    this.definitions =
      options.cacheTtlSeconds > 0
        ? new LRUCache({
            max: options.maxCachedDefinitions ?? 10_000,
            ttl: options.cacheTtlSeconds * 1000,
          })
        : null;
  }

  /** `operation`: the GraphQL operation's span when tracing is on, for the read's link. */
  async customerPromotions(
    input: UncheckedCustomerPromotionsInput,
    credentials: Credentials,
    operation?: OperationTrace,
  ): Promise<CustomerPromotionsAnswer> {
    if (!hasCredentials(credentials)) return NO_CREDENTIALS;
    const checked = validateCustomerPromotionsInput(input, this.cursors, callerIdOf(credentials));
    if (!checked.valid) return { kind: 'INVALID_INPUT', violations: checked.violations };
    const { query, cursorScope } = checked.value;
    const result = await this.lookupPromotionData(
      credentials,
      query,
      Date.now() + this.options.timeoutMs,
      operation,
    );
    if (result.kind !== 'OK') return failed(result);
    return {
      kind: 'PAGE',
      page: result.value,
      offset: query.offset,
      cursorAt: (offset) => this.cursors.encode(offset, cursorScope()),
    };
  }

  /**
   * One lookup, shared with identical ones of the same caller in flight (DESIGN §8); the
   * function issue 15's reconcile uses from the mutation path.
   */
  lookupPromotionData(
    credentials: Credentials,
    query: LookupQuery,
    deadline: number,
    operation?: OperationTrace,
  ): Promise<ReadResult<CustomerPromotionsPage>> {
    const caller = callerOf(credentials);
    const customer = this.shared.customerOf(caller.id, query.identifierName, query.identifierValue);
    const call = this.sharedRead(
      { caller, key: `lookup?${lookupQueryString(query)}`, customer, deadline },
      PROMOTION_DATA_PATH,
      operation,
      async (observation) => {
        const result = await this.client.lookupPromotionData(
          credentials,
          query,
          deadline,
          observation,
        );
        if (result.kind === 'OK') {
          this.shared.learn(
            caller.id,
            query.identifierName,
            query.identifierValue,
            result.value.entityId,
          );
        }
        return result;
      },
    );
    return call ?? Promise.resolve(TOO_MANY_READS);
  }

  async promotion(
    key: PromotionKey,
    credentials: Credentials,
    operation?: OperationTrace,
  ): Promise<PromotionDefinitionAnswer> {
    if (!hasCredentials(credentials)) return NO_CREDENTIALS;
    const checked = validatePromotionKey(key);
    if (!checked.valid) return { kind: 'INVALID_INPUT', violations: checked.violations };
    const result = await this.definition(credentials, checked.value, operation);
    return result.kind === 'OK' ? { kind: 'DEFINITION', definition: result.value } : failed(result);
  }

  /** Definitions within one GraphQL request: one call per distinct promotion. */
  definitionLoaderFor(credentials: Credentials): DefinitionLoader {
    return definitionLoaders((key, operation) => this.definition(credentials, key, operation));
  }

  /** True while the reads' circuit is open or half-open (the reconciler's question). */
  readsPaused(): boolean {
    return this.client.readsPaused?.() ?? false;
  }

  /** A write of these customers finished: lookups of them in flight are not joined any more. */
  writeFinished(
    credentials: Credentials,
    request: PromotionRequest,
    outcomes: readonly CustomerOutcome[],
  ): void {
    this.shared.writeFinished(
      callerIdOf(credentials),
      request.identifierName,
      request.customers,
      outcomes,
    );
  }

  /** Cached per caller; identical loads in flight share one call. Only definitions are cached, never failures. */
  private async definition(
    credentials: Credentials,
    key: PromotionKey,
    operation: OperationTrace | undefined,
  ): Promise<ReadResult<PromotionDefinition>> {
    const caller = callerOf(credentials);
    const cacheKey = `${caller.id}\n${key.programId}/${key.promotionId}`;
    const cached = this.definitions?.get(cacheKey);
    if (cached !== undefined) return { kind: 'OK', value: cached };
    const deadline = Date.now() + this.options.timeoutMs;
    const call = this.sharedRead(
      {
        caller,
        key: `definition/${key.programId}/${key.promotionId}`,
        customer: null,
        deadline,
      },
      PROMOTION_DEFINITION_ENDPOINT,
      operation,
      async (observation) => {
        const result = await this.client.getPromotion(credentials, key, deadline, observation);
        if (result.kind === 'OK') this.definitions?.set(cacheKey, result.value);
        return result;
      },
    );
    return call ?? TOO_MANY_READS;
  }

  /**
   * The read in flight for `share.key` of this caller, or `read` of `endpoint` started and
   * observed from its start (its joiners told to the observer), as the caller's standing
   * allows (ReadAdmission, by `share.deadline`); null past the caller's bound.
   */
  private sharedRead<T>(
    share: { caller: Caller; key: string; customer: CustomerKeys | null; deadline: number },
    endpoint: string,
    operation: OperationTrace | undefined,
    read: (observation: UpstreamReadObservation) => Promise<ReadResult<T>>,
  ): Promise<ReadResult<T>> | null {
    return this.shared.run(share.caller, share.key, share.customer, operation, () => {
      const observation = this.observer.upstreamRead(endpoint, operation);
      // An answer given without a call still ends the read's observation.
      const answer = this.admission.admit(
        share.caller.id,
        share.deadline,
        () => read(observation),
        (unsent) => observation.end(unsent.kind),
      );
      return { answer, joined: (joiner) => observation.joined(joiner) };
    });
  }
}

function failed(failure: ReadFailure): { kind: 'FAILED'; failure: ReadError } | Refusal {
  if (failure.kind !== 'AUTH_REJECTED') return { kind: 'FAILED', failure };
  return failure.status === 403
    ? {
        kind: 'FORBIDDEN',
        message: 'The promotion API refused these credentials access to this data.',
      }
    : { kind: 'UNAUTHENTICATED', message: 'The promotion API did not accept these credentials.' };
}
