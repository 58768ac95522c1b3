/**
 * Coalesces the customers of concurrent mutations into bulk calls, whichever the action
 * (enrolAndEarn, revokeEnrolAndEarn; DESIGN.md §2 "Coalescing", §8) through one process-wide `BatchQueue`. One customer is never
 * in two concurrent calls of the same caller and promotion (§8), and one caller cannot
 * fill the queue (§9).
 */
import { AcceptedCallers } from '../domain/accepted-callers';
import { callerIdOf, fairnessAccountOf } from '../domain/caller';
import { isSuccess, sameOutcomeForAll, stampSentAt, unknownForAll } from '../domain/outcome';
import type { CustomerOutcome } from '../domain/outcome';
import type { Credentials, CustomerRef, PromotionRequest } from '../domain/promotion';
import { UpstreamCode } from '../domain/upstream-codes';
import { NO_OBSERVER, type GatewayObserver, type OperationTrace } from '../observability/observer';
import { DEADLINE_PASSED } from './attempt-verdict';
import { BatchQueue } from './batch-queue';
import { exclusionKeyOf, routeOf } from './batch-route';
import type { Route } from './batch-route';
import { toRequestBody } from './bulk-action.body';
import type { PromotionApiSender } from './promotion-api.client';

export interface EnrolAndEarnBatcherOptions {
  /** Customers per API call (`UPSTREAM_BATCH_SIZE`), 1..100. */
  batchSize: number;
  /** Longest wait to coalesce, in ms (`BATCH_WINDOW_MS`). `0`: only what arrives in the same turn. */
  windowMs: number;
  /** Customers waiting or in flight past which new mutations get RATE_LIMITED at once. */
  maxQueuedCustomers: number;
  /**
   * Customers one caller (every spelling of its credentials: `fairnessAccountOf`) may have
   * waiting or in flight; past it that caller's new mutations get RATE_LIMITED at once, and
   * nobody else's (DESIGN.md §9).
   */
  maxQueuedCustomersPerCaller: number;
  /** Default: none. Hears every call that leaves (DESIGN §10: metrics, traces). */
  observer?: GatewayObserver;
  /** Default: a set of its own. Shared with the reads, so that either's answers vouch for a caller. */
  accepted?: AcceptedCallers;
}

/**
 * Customers one fairness account (`fairnessAccountOf`) has waiting or in flight; the batcher
 * keeps one only while it is above 0.
 */
interface AccountCount {
  id: string;
  queued: number;
}

/** The customers of one mutation, answered one by one as their calls come back. */
interface PendingMutation {
  outcomes: CustomerOutcome[];
  remaining: number;
  resolve: (outcomes: CustomerOutcome[]) => void;
  /** The operation it belongs to, for the links of the calls that carry its customers. */
  trace: OperationTrace | undefined;
}

/** One customer of one mutation, waiting in the queue or in a call. */
interface PendingCustomer {
  customer: CustomerRef;
  deadline: number;
  route: Route;
  /** `callerIdOf` its credentials: whose call it goes in, and whom an answer vouches for. */
  callerId: string;
  /** The account its caller's share is counted under. */
  account: AccountCount;
  mutation: PendingMutation;
  /** Its place in the mutation's input. */
  index: number;
  /** Admitted while its caller's credentials had not yet been accepted by the API. */
  unverified: boolean;
  /** The customer within its lane (`exclusionKeyOf`): what never goes in two calls at once. */
  exclusionKey: string;
  settled: boolean;
  /** Set while it waits for another call of the same customer: fires at its deadline. */
  waitTimer: NodeJS.Timeout | undefined;
}

/** A customer of a lane that is in a call (or on its way into one). */
interface BusyCustomer {
  /** The occurrence whose call has, or is about to have, this customer. */
  holder: PendingCustomer;
  /** Further occurrences, oldest first; each joins a later batch once the one before it answered. */
  waiting: PendingCustomer[];
}

/** Longest delay a Node timer takes without firing at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const LOST_TRACK_MESSAGE = 'the gateway lost track of the call to the promotion API';

const LOST_TRACK: CustomerOutcome = {
  kind: 'OUTCOME_UNKNOWN',
  message: 'the gateway lost track of this customer',
};

/**
 * Nothing was sent: the customer waited for another call of itself until no time was left.
 * The platform's own code (521), so that callers handle it as CustomerBusyError: retryable.
 */
const STILL_BUSY: CustomerOutcome = {
  kind: 'UPSTREAM_ERROR',
  code: UpstreamCode.CONCURRENT_ACTION,
  message:
    'concurrent actions on the same customer: another call for this customer ran until this mutation had no time left; nothing was done',
  scope: 'customer',
};

export class EnrolAndEarnBatcher {
  private readonly queue: BatchQueue<PendingCustomer>;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly accounts = new Map<string, AccountCount>();
  private readonly busy = new Map<string, BusyCustomer>();
  /** Callers the API accepted lately: they keep room that unverified ones cannot take. */
  private readonly accepted: AcceptedCallers;
  private queued = 0;
  private unverifiedQueued = 0;
  /**
   * Callers the API has not yet accepted share what is left when one accepted caller's full
   * share is kept free, but never less than two callers' shares: rotating made-up
   * credentials, each a caller of its own, cannot lock the known tenants out (DESIGN.md §9).
   */
  private readonly unverifiedRoom: number;
  private readonly observer: GatewayObserver;

  constructor(
    private readonly client: PromotionApiSender,
    private readonly options: EnrolAndEarnBatcherOptions,
  ) {
    const { maxQueuedCustomers: all, maxQueuedCustomersPerCaller: share } = options;
    this.unverifiedRoom = Math.max(all - share, Math.min(all, 2 * share));
    this.observer = options.observer ?? NO_OBSERVER;
    this.accepted = options.accepted ?? new AcceptedCallers();
    this.queue = new BatchQueue<PendingCustomer>(
      { maxSize: options.batchSize, windowMs: options.windowMs },
      (keys) => this.dispatch(keys),
    );
  }

  /**
   * All customers of one validated mutation; resolves to one outcome per customer, in
   * input order; never rejects. A mutation of 250 customers becomes calls of at most
   * `batchSize`, sent concurrently. A customer already in a call of the same caller and
   * promotion (another mutation's) waits for that call and goes in a later one.
   */
  submit(
    request: PromotionRequest,
    credentials: Credentials,
    deadline: number,
    trace?: OperationTrace,
  ): Promise<CustomerOutcome[]> {
    const count = request.customers.length;
    if (count === 0) return Promise.resolve([]);
    const callerId = callerIdOf(credentials);
    const name = fairnessAccountOf(credentials);
    const known = this.accounts.get(name);
    const unverified = !this.accepted.has(callerId);
    const refusal =
      this.queued + count > this.options.maxQueuedCustomers ||
      (unverified &&
        this.unverifiedQueued > 0 &&
        this.unverifiedQueued + count > this.unverifiedRoom)
        ? 'the gateway is busy; try again shortly'
        : (known?.queued ?? 0) + count > this.options.maxQueuedCustomersPerCaller
          ? 'too many customers of these credentials are waiting; try again shortly'
          : null;
    if (refusal !== null) {
      return Promise.resolve(
        sameOutcomeForAll(count, { kind: 'RATE_LIMITED', message: refusal, retryAfterSeconds: 1 }),
      );
    }
    const account = known ?? { id: name, queued: 0 };
    if (known === undefined) this.accounts.set(name, account);
    account.queued += count;
    this.queued += count;
    if (unverified) this.unverifiedQueued += count;

    const route = routeOf(callerId, request, credentials);
    return new Promise<CustomerOutcome[]>((resolve) => {
      const mutation: PendingMutation = {
        outcomes: new Array(count),
        remaining: count,
        resolve,
        trace,
      };
      request.customers.forEach((customer, index) => {
        this.queue.add(route.key, {
          customer,
          deadline,
          route,
          callerId,
          account,
          mutation,
          index,
          unverified,
          exclusionKey: exclusionKeyOf(route, customer),
          settled: false,
          waitTimer: undefined,
        });
      });
      this.queue.leaveIfLate(route.key);
    });
  }

  /** Dispatch every waiting batch now, without waiting for its window. */
  flush(): void {
    this.queue.flush();
  }

  /**
   * Shutdown (DESIGN.md §7): dispatch every waiting batch now, and send later ones without
   * a window, so that mutations still on their way in are not held back.
   */
  drain(): void {
    this.queue.drain();
  }

  /** Resolves when no customer is waiting or in flight. */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Customers waiting for their window or in flight. */
  get queuedCustomers(): number {
    return this.queued;
  }

  /** Batches waiting for their window; one that left is forgotten. */
  get openBatches(): number {
    return this.queue.openBatches;
  }

  /** Fairness accounts with customers waiting or in flight; one that has none is forgotten. */
  get activeAccounts(): number {
    return this.accounts.size;
  }

  /** Customers in a call or on their way into one; the others of the same lane wait for them. */
  get busyCustomers(): number {
    return this.busy.size;
  }

  /**
   * One batch leaving the queue. Each customer not already in a call of its lane goes in
   * this batch's call; any other occurrence waits for that call and joins a later batch.
   */
  private dispatch(keys: readonly PendingCustomer[]): void {
    try {
      const now = Date.now();
      const sending: PendingCustomer[] = [];
      let deadline = Infinity;
      for (const key of keys) {
        // A customer that waited for its turn may reach its batch with no time left.
        if (key.deadline <= now) this.answer(key, { ...DEADLINE_PASSED });
        else if (this.claim(key)) {
          sending.push(key);
          if (key.deadline < deadline) deadline = key.deadline;
        }
      }
      if (sending.length > 0) void this.send(sending, deadline);
    } catch {
      // A bug of ours; a customer of this batch must still get an answer.
      for (const key of keys) this.answer(key, { ...LOST_TRACK });
    }
  }

  /** True when the key may go in a call now; otherwise it waits for the call that has its customer. */
  private claim(key: PendingCustomer): boolean {
    const busy = this.busy.get(key.exclusionKey);
    if (busy === undefined) {
      this.busy.set(key.exclusionKey, { holder: key, waiting: [] });
      return true;
    }
    if (busy.holder === key) return true;
    busy.waiting.push(key);
    const wait = Math.min(Math.max(0, key.deadline - Date.now()), MAX_TIMER_MS);
    key.waitTimer = setTimeout(() => {
      busy.waiting.splice(busy.waiting.indexOf(key), 1);
      this.answer(key, { ...STILL_BUSY });
    }, wait);
    return false;
  }

  /** One call, then each of its customers answered and handed on to its next waiting occurrence. */
  private async send(keys: readonly PendingCustomer[], deadline: number): Promise<void> {
    const started = performance.now();
    // Unknown outcomes carry when their call left, so a retry can look for its work (DESIGN §8).
    const sentAt = Date.now();
    const outcomes = stampSentAt(await this.call(keys, deadline), sentAt);
    const callMs = performance.now() - started;
    keys.forEach((key, position) =>
      this.answer(key, outcomes[position] ?? { ...LOST_TRACK }, callMs),
    );
  }

  /**
   * Answers one customer of one mutation (once). If its call had the customer, the next
   * waiting occurrence joins a batch — unless it has less than twice the time that call
   * took (`callMs`): it would likely end unknown in flight, so it gets CONCURRENT_ACTION.
   */
  private answer(key: PendingCustomer, outcome: CustomerOutcome, callMs = 0): void {
    if (key.settled) return;
    key.settled = true;
    clearTimeout(key.waitTimer);
    const { mutation } = key;
    mutation.outcomes[key.index] = outcome;
    if (--mutation.remaining === 0) mutation.resolve(mutation.outcomes);
    const { account } = key;
    if (--account.queued === 0 && this.accounts.get(account.id) === account) {
      this.accounts.delete(account.id);
    }
    if (key.unverified) this.unverifiedQueued--;
    const busy = this.busy.get(key.exclusionKey);
    if (busy?.holder === key) this.handOn(key.exclusionKey, busy, callMs);
    if (--this.queued === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private handOn(exclusionKey: string, busy: BusyCustomer, callMs: number): void {
    const now = Date.now();
    for (let next = busy.waiting.shift(); next !== undefined; next = busy.waiting.shift()) {
      clearTimeout(next.waitTimer);
      next.waitTimer = undefined;
      if (next.deadline - now < 2 * callMs) {
        this.answer(next, { ...STILL_BUSY });
        continue;
      }
      busy.holder = next;
      this.queue.add(next.route.key, next);
      return;
    }
    this.busy.delete(exclusionKey);
  }

  /** The keys of one batch share their route: the batch key is made of it. */
  private async call(
    keys: readonly PendingCustomer[],
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    const route = (keys[0] as PendingCustomer).route;
    const body = toRequestBody(
      route.action,
      route.promotion,
      route.identifierName,
      keys.map((key) => key.customer),
    );
    const observation = this.observer.upstreamCall(
      route.action,
      keys.length,
      keys.map((key) => key.mutation.trace),
    );
    let outcomes: CustomerOutcome[];
    try {
      outcomes = await this.client.send(route.credentials, body, deadline, observation);
    } catch {
      // The client never rejects; if it ever does, the call may have been sent.
      outcomes = [];
    }
    if (outcomes.length !== keys.length) outcomes = unknownForAll(keys.length, LOST_TRACK_MESSAGE);
    observation.end(outcomes);
    // An answer of the API itself (not a refusal, not the path failing) vouches for the caller.
    if (outcomes.some((o) => isSuccess(o) || o.kind === 'UPSTREAM_ERROR')) {
      this.accepted.vouch((keys[0] as PendingCustomer).callerId);
    }
    return outcomes;
  }
}
