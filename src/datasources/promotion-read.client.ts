/**
 * The REST client of the read endpoints: the customer lookup and get-by-id, on the same
 * undici Pool as the mutation client (one per API origin), with a circuit of its own. Reads are
 * safe to repeat, so every failure of the path is retried within the deadline, honouring
 * Retry-After; a read never answers OUTCOME_UNKNOWN, and never rejects.
 */
import type { Logger } from 'pino';
import {
  BrokenCircuitError,
  CircuitState,
  DelegateBackoff,
  IsolatedCircuitError,
  handleWhenResult,
  retry,
  type CircuitBreakerPolicy,
  type RetryPolicy,
} from 'cockatiel';
import { callerIdOf } from '../domain/caller';
import type { Credentials } from '../domain/promotion';
import type {
  CustomerPromotionsPage,
  LookupQuery,
  PromotionDefinition,
  PromotionKey,
  ReadFailure,
  ReadResult,
} from '../domain/promotion-read';
import { NO_READ, type UpstreamReadObservation } from '../observability/observer';
import { DEADLINE_PASSED, attemptStatusOf } from './attempt-verdict';
import { attemptThrough } from './circuit';
import { toCustomerPromotionsPage, toPromotionDefinition } from './promotion-read.mapper';
import {
  PROMOTION_DATA_PATH,
  PROMOTION_DEFINITION_ENDPOINT,
  definitionPathOf,
  lookupQueryString,
} from './promotion-read.request';
import type { ReadSlots } from './read-slots';
import { readVerdictOf, type BodyReader, type ReadVerdict } from './read-verdict';
import { credentialHeadersOf, type UpstreamDispatcher } from './upstream-dispatch';

export interface PromotionReadClientOptions {
  /** The mutation client's dispatcher: reads and writes share its Pool. */
  dispatcher: UpstreamDispatcher;
  /** The reads' own breaker (`circuitOf('read', …)`): failing reads do not pause the bulk calls. */
  breaker: CircuitBreakerPolicy;
  /** The API URL's path prefix, '' when none. */
  basePath: string;
  /** `PROMOTION_API_TIMEOUT_MS`: the default deadline of one read, retries included. */
  timeoutMs: number;
  /** Default `max(500, timeoutMs / 3)` ms, at most `timeoutMs / 2`. One attempt's share once written, so a hung attempt leaves room for another. */
  attemptTimeoutMs?: number;
  /** Default `50` ms. First backoff (doubles, with jitter). */
  retryBaseDelayMs?: number;
  /** Default `1000` ms. Longest backoff when the API gave no Retry-After. */
  retryMaxDelayMs?: number;
  /** Default none (no bound). Reads on the wire at once, and whose goes next when they are all taken. */
  slots?: ReadSlots;
  /** Optional; never receives credentials, query strings or customer identifiers. */
  logger?: Logger;
}

/** Where a read goes (`path`, with its query), how operators see it (`name`), and who hears of it. */
interface ReadEndpoint {
  path: string;
  name: string;
  observation: UpstreamReadObservation;
  /** Whose read it is (`callerIdOf`): its turn for a slot. */
  callerId: string;
}

/** One attempt as the retry policy sees it: final, or worth another after `waitMs`. */
type Step<T> =
  | { kind: 'final'; result: ReadResult<T> }
  | { kind: 'again'; waitMs: number; exhausted: ReadFailure };

/** Attempts past which a read gives up even with time left: a floor on what one read may cost. */
const MAX_ATTEMPTS = 8;

export class PromotionReadClient {
  private readonly policy: RetryPolicy;
  private readonly attemptTimeoutMs: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;

  constructor(private readonly options: PromotionReadClientOptions) {
    // At most half the deadline: a share the deadline always cuts first would make a hung API
    // look like nothing at all to the circuit (a deadline's cut counts neither way).
    this.attemptTimeoutMs =
      options.attemptTimeoutMs ??
      Math.min(Math.max(500, Math.floor(options.timeoutMs / 3)), Math.floor(options.timeoutMs / 2));
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 50;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 1000;
    this.policy = retry(
      handleWhenResult((step) => (step as Step<unknown>).kind === 'again'),
      {
        maxAttempts: MAX_ATTEMPTS - 1,
        backoff: new DelegateBackoff((context) => {
          const result = context.result as { value?: Step<unknown> };
          return result.value?.kind === 'again' ? result.value.waitMs : 0;
        }),
      },
    );
  }

  /** True while the reads' circuit is open or half-open (the gauge, the reconciler). */
  readsPaused(): boolean {
    return this.options.breaker.state !== CircuitState.Closed;
  }

  /**
   * One customer lookup (`GET /v2/customers/lookup/promotionData`), by `deadline` (epoch ms);
   * `observation` hears each attempt and the answer, and gives headers to send.
   */
  lookupPromotionData(
    credentials: Credentials,
    query: LookupQuery,
    deadline: number,
    observation: UpstreamReadObservation = NO_READ,
  ): Promise<ReadResult<CustomerPromotionsPage>> {
    const path = `${this.options.basePath}${PROMOTION_DATA_PATH}?${lookupQueryString(query)}`;
    const endpoint = { path, name: PROMOTION_DATA_PATH, observation };
    return this.read(endpoint, credentials, deadline, toCustomerPromotionsPage);
  }

  /** One promotion's definition (get-by-id), by `deadline` (epoch ms); `observation` as above. */
  getPromotion(
    credentials: Credentials,
    key: PromotionKey,
    deadline: number,
    observation: UpstreamReadObservation = NO_READ,
  ): Promise<ReadResult<PromotionDefinition>> {
    const path = `${this.options.basePath}${definitionPathOf(key)}`;
    const endpoint = { path, name: PROMOTION_DEFINITION_ENDPOINT, observation };
    return this.read(endpoint, credentials, deadline, (body) => toPromotionDefinition(body, key));
  }

  private async read<T>(
    where: Omit<ReadEndpoint, 'callerId'>,
    credentials: Credentials,
    deadline: number,
    reader: BodyReader<T>,
  ): Promise<ReadResult<T>> {
    const endpoint = { ...where, callerId: callerIdOf(credentials) };
    const headers = {
      ...endpoint.observation.headers,
      accept: 'application/json',
      ...credentialHeadersOf(credentials),
    };
    let result: ReadResult<T>;
    try {
      const step = await this.policy.execute(({ attempt }) =>
        this.attempt(endpoint, headers, deadline, reader, attempt + 1),
      );
      result = step.kind === 'final' ? step.result : step.exhausted;
    } catch (error) {
      // A bug of ours: a read changed nothing, so "unavailable" is honest.
      this.options.logger?.error({ err: error }, 'promotion API read failed');
      result = { kind: 'UNAVAILABLE', message: 'the read could not be made' };
    }
    endpoint.observation.end(result.kind);
    return result;
  }

  private async attempt<T>(
    endpoint: ReadEndpoint,
    headers: Record<string, string>,
    deadline: number,
    reader: BodyReader<T>,
    attempt: number,
  ): Promise<Step<T>> {
    if (Date.now() >= deadline) {
      return final(DEADLINE_PASSED);
    }
    // While half-open one probe read is on its way; others do not wait.
    if (this.options.breaker.state === CircuitState.HalfOpen) return final(circuitOpen());
    const { slots, breaker } = this.options;
    if (slots !== undefined && (await slots.acquire(endpoint.callerId, deadline)) === 'late') {
      return final(DEADLINE_PASSED);
    }
    let verdict: ReadVerdict<T>;
    try {
      // The half-open probe needs time to tell anything: one the deadline may cut is not sent,
      // and one that tells nothing after all keeps the circuit open (it does not close it).
      const probing = breaker.state !== CircuitState.Closed;
      if (probing && deadline - Date.now() < this.attemptTimeoutMs) return final(circuitOpen());
      verdict = await attemptThrough(
        breaker,
        async () => {
          const started = performance.now();
          const sent = await this.options.dispatcher.get(
            endpoint.path,
            headers,
            deadline,
            this.attemptTimeoutMs,
          );
          endpoint.observation.attempt(
            endpoint.name,
            attemptStatusOf(sent),
            (performance.now() - started) / 1000,
          );
          return { sent, verdict: readVerdictOf(sent, reader, Date.now()) };
        },
        this.options.logger,
      );
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
        return final(circuitOpen());
      }
      throw error;
    } finally {
      slots?.release();
    }
    if (verdict.kind === 'done') return final(verdict.result);
    // Retry-After is a floor, never a licence to hammer.
    const waitMs = Math.max(verdict.retryAfterMs ?? 0, this.backoff(attempt));
    if (Date.now() + waitMs >= deadline) return final(verdict.exhausted);
    this.options.logger?.debug({ attempt, waitMs }, 'retrying promotion API read');
    return { kind: 'again', waitMs, exhausted: verdict.exhausted };
  }

  /** Exponential backoff with equal jitter: 50, 100, 200 ... ms, capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

function final<T>(result: ReadResult<T>): Step<T> {
  return { kind: 'final', result };
}

function circuitOpen(): ReadFailure {
  return {
    kind: 'UNAVAILABLE',
    message: 'the promotion API is failing; calls are paused for a moment',
  };
}
