/**
 * Coalesces the customers of concurrent mutations into bulk enrolAndEarn calls
 * (DESIGN.md §2 "Coalescing"): one DataLoader per batch key, process-wide, living only
 * while it has a batch waiting for its window. One customer is never in two concurrent
 * calls of the same caller and promotion (§8), and one caller cannot fill the queue (§9).
 */
import DataLoader from 'dataloader';
import { callerIdOf } from '../domain/caller';
import { customerIdentityOf } from '../domain/customer-identity';
import { sameOutcomeForAll, unknownForAll } from '../domain/outcome';
import type { CustomerOutcome } from '../domain/outcome';
import type {
  BulkAction,
  Credentials,
  CustomerRef,
  IdentifierName,
  PromotionRef,
  PromotionRequest,
} from '../domain/promotion';
import { UpstreamCode } from '../domain/upstream-codes';
import { toRequestBody } from './enrol-and-earn.mapper';
import type { PromotionApiSender } from './promotion-api.client';

export interface EnrolAndEarnBatcherOptions {
  /** Customers per API call (`UPSTREAM_BATCH_SIZE`), 1..100. */
  batchSize: number;
  /**
   * Longest wait to coalesce, in ms (`BATCH_WINDOW_MS`). `0`: only what arrives in the
   * same turn of the event loop (dispatched with `setImmediate`, see `schedule`).
   */
  windowMs: number;
  /** Customers waiting or in flight past which new mutations get RATE_LIMITED at once. */
  maxQueuedCustomers: number;
  /**
   * Customers one caller (credential hash) may have waiting or in flight; past it that
   * caller's new mutations get RATE_LIMITED at once, and nobody else's (DESIGN.md §9).
   */
  maxQueuedCustomersPerCaller: number;
}

/**
 * How full a batch whose window has passed must be to leave before the end of its turn.
 * Under a closed loop of single-customer clients the batches settle into platoons that
 * cycle together; the share decides how many. At C=200, half full settled at four
 * platoons of at most 50, i.e. fewer than 50 customers per call once a platoon splits;
 * 70 % settles at three, about 63 per call, for about 2 % less throughput
 * (BENCHMARKS.md "Third round", measured from 50 % to never).
 */
export const EARLY_DEPARTURE_SHARE = 0.7;

/** Where a customer's call goes: the batch key and what its calls are made of. */
interface Route {
  /** `batchKeyOf`: who may share a call. */
  key: string;
  /** `laneOf`: the caller and promotion within which one customer is in one call at a time. */
  lane: string;
  credentials: Credentials;
  action: BulkAction;
  promotion: PromotionRef;
  identifierName: IdentifierName;
}

/** Customers one caller has waiting or in flight; the batcher keeps one only while it is above 0. */
interface CallerCount {
  id: string;
  queued: number;
}

/** The customers of one mutation, answered one by one as their calls come back. */
interface PendingMutation {
  outcomes: CustomerOutcome[];
  remaining: number;
  resolve: (outcomes: CustomerOutcome[]) => void;
}

/** One customer of one mutation, as a DataLoader key (keys are not cached, so objects are fine). */
interface PendingCustomer {
  customer: CustomerRef;
  deadline: number;
  route: Route;
  caller: CallerCount;
  mutation: PendingMutation;
  /** Its place in the mutation's input. */
  index: number;
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

interface LoaderEntry {
  route: Route;
  /** Values are unused: each key is answered on its own (`answer`), see `dispatch`. */
  loader: DataLoader<PendingCustomer, void>;
  /** Batches of this loader scheduled and not yet dispatched. */
  scheduled: number;
  /** The batch new keys of this loader join (DataLoader's current batch), null once it ran. */
  open: ScheduledBatch | null;
}

interface ScheduledBatch {
  /** Dispatches the batch now, if it has not been dispatched yet. */
  run(): void;
  /** Keys that joined it so far. */
  size: number;
  /** `performance.now()` when its first key arrived. */
  openedAt: number;
}

/** Longest delay a Node timer takes without firing at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The scope within which one customer is never in two concurrent calls (DESIGN.md §8):
 * the caller (a hash of the credential headers, so that the key holds no secret),
 * program and promotion — whatever the action, since the platform refuses concurrent
 * actions on one customer (521).
 */
function laneOf(callerId: string, promotion: PromotionRef): string {
  const { programId, promotionId, promoIdentifier } = promotion;
  // JSON keeps the parts unambiguous whatever characters a promoIdentifier holds.
  return JSON.stringify([
    callerId,
    programId,
    promotionId ?? null,
    promotionId === null || promotionId === undefined ? (promoIdentifier ?? null) : null,
  ]);
}

function batchKeyIn(lane: string, request: PromotionRequest): string {
  return `${lane}\u0000${request.action}\u0000${request.identifierName}`;
}

/**
 * Who may share a call: the same caller (a hash of the credential headers, so that
 * the key itself holds no secret), program, promotion, action and identifierName.
 */
export function batchKeyOf(request: PromotionRequest, credentials: Credentials): string {
  return batchKeyIn(laneOf(callerIdOf(credentials), request.promotion), request);
}

/** One customer of a lane however it was spelled (`customerIdentityOf`), per identifierName. */
function exclusionKeyOf(route: Route, customer: CustomerRef): string {
  const identity = customerIdentityOf(route.identifierName, customer.identifierValue);
  return `${route.lane}\u0000${route.identifierName}\u0000${identity}`;
}

function rateLimited(count: number, message: string): CustomerOutcome[] {
  return sameOutcomeForAll(count, { kind: 'RATE_LIMITED', message, retryAfterSeconds: 1 });
}

const LOST_TRACK: CustomerOutcome = {
  kind: 'OUTCOME_UNKNOWN',
  message: 'the gateway lost track of this customer',
};

/**
 * A customer that waited for another call of the same customer until its deadline left no
 * time for a call of its own: nothing was sent for it. The platform's word for it (521),
 * so that callers handle it as the API's own CustomerBusyError: retryable, nothing done.
 */
const STILL_BUSY: CustomerOutcome = {
  kind: 'UPSTREAM_ERROR',
  code: UpstreamCode.CONCURRENT_ACTION,
  message:
    'concurrent actions on the same customer: another call for this customer ran until this mutation had no time left; nothing was done',
  scope: 'customer',
};

const DEADLINE_PASSED: CustomerOutcome = {
  kind: 'UNAVAILABLE',
  message: 'the deadline passed before the promotion API could be reached',
};

export class EnrolAndEarnBatcher {
  private readonly loaders = new Map<string, LoaderEntry>();
  private readonly waiting = new Set<ScheduledBatch>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly callers = new Map<string, CallerCount>();
  private readonly busy = new Map<string, BusyCustomer>();
  private queued = 0;
  /** Shutting down: no batch waits for its window any more. */
  private draining = false;

  constructor(
    private readonly client: PromotionApiSender,
    private readonly options: EnrolAndEarnBatcherOptions,
  ) {}

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
  ): Promise<CustomerOutcome[]> {
    const count = request.customers.length;
    if (count === 0) return Promise.resolve([]);
    const callerId = callerIdOf(credentials);
    const known = this.callers.get(callerId);
    if (this.queued + count > this.options.maxQueuedCustomers) {
      return Promise.resolve(rateLimited(count, 'the gateway is busy; try again shortly'));
    }
    if ((known?.queued ?? 0) + count > this.options.maxQueuedCustomersPerCaller) {
      return Promise.resolve(
        rateLimited(
          count,
          'too many customers of these credentials are waiting; try again shortly',
        ),
      );
    }
    const caller = known ?? { id: callerId, queued: 0 };
    if (known === undefined) this.callers.set(callerId, caller);
    caller.queued += count;
    this.queued += count;

    const lane = laneOf(callerId, request.promotion);
    const entry = this.loaderFor({
      key: batchKeyIn(lane, request),
      lane,
      credentials,
      action: request.action,
      promotion: request.promotion,
      identifierName: request.identifierName,
    });
    const route = entry.route;
    return new Promise<CustomerOutcome[]>((resolve) => {
      const mutation: PendingMutation = { outcomes: new Array(count), remaining: count, resolve };
      request.customers.forEach((customer, index) => {
        // Key by key rather than loadMany, so that a batch goes out the moment it is full:
        // waiting for the window could not add anyone to it (DataLoader only notices a full
        // batch when the next key arrives, and a 100-customer mutation has no next key).
        this.enqueue(entry, {
          customer,
          deadline,
          route,
          caller,
          mutation,
          index,
          exclusionKey: exclusionKeyOf(route, customer),
          settled: false,
          waitTimer: undefined,
        });
      });
      const open = entry.open;
      if (open !== null && this.leavesEarly(open)) open.run();
    });
  }

  /**
   * Whether a batch that is not full leaves now, once a mutation has joined it, rather
   * than at the end of its window's turn (`schedule`): when its window has already passed
   * and it holds `EARLY_DEPARTURE_SHARE` of a full call. That happens when a busy event
   * loop reads a crowd of requests in one turn: the first of them start their call while
   * the loop reads the rest, instead of everyone waiting for the last one read. Asked
   * after a whole mutation joined, so that a mutation's own customers fill the batch
   * rather than split it. The rest of the crowd opens a new batch, with a window of its own.
   */
  private leavesEarly(batch: ScheduledBatch): boolean {
    const { batchSize, windowMs } = this.options;
    return (
      windowMs > 0 &&
      batch.size >= batchSize * EARLY_DEPARTURE_SHARE &&
      performance.now() - batch.openedAt >= windowMs
    );
  }

  /** Dispatch every waiting batch now, without waiting for its window. */
  flush(): void {
    for (const batch of [...this.waiting]) batch.run();
  }

  /**
   * Shutdown (DESIGN.md §7): dispatch every waiting batch now, and from now on send
   * each new batch in the same turn instead of after its window, so that mutations
   * still on their way in (e.g. waiting for the idempotency store) are not held back.
   */
  drain(): void {
    this.draining = true;
    this.flush();
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

  /** Loaders that still have a batch waiting; idle ones are evicted. */
  get activeLoaders(): number {
    return this.loaders.size;
  }

  /** Callers with customers waiting or in flight; one that has none is forgotten. */
  get activeCallers(): number {
    return this.callers.size;
  }

  /** Customers in a call or on their way into one; the others of the same lane wait for them. */
  get busyCustomers(): number {
    return this.busy.size;
  }

  private loaderFor(route: Route): LoaderEntry {
    const existing = this.loaders.get(route.key);
    if (existing !== undefined) return existing;
    const entry: LoaderEntry = {
      route,
      scheduled: 0,
      open: null,
      loader: new DataLoader<PendingCustomer, void>((keys) => this.dispatch(entry.route, keys), {
        cache: false,
        maxBatchSize: this.options.batchSize,
        batchScheduleFn: (dispatchBatch) => this.schedule(entry, dispatchBatch),
      }),
    };
    this.loaders.set(route.key, entry);
    return entry;
  }

  /** Adds one customer to its loader's open batch, and sends that batch if it is now full. */
  private enqueue(entry: LoaderEntry, key: PendingCustomer): void {
    // The batch function answers every key itself; this only guards against a bug of ours.
    entry.loader.load(key).catch(() => this.answer(key, { ...LOST_TRACK }));
    const batch = entry.open;
    if (batch !== null && ++batch.size >= this.options.batchSize) batch.run();
  }

  /**
   * DataLoader asks this once per batch it opens (a mutation of 250 customers opens
   * three). With a window the batch waits `windowMs`; with `0` it waits for
   * `setImmediate`, not `process.nextTick`: the check phase runs after the poll phase,
   * so every request whose bytes were read in this turn of the event loop, and every
   * operation of one batched HTTP request however many promise hops its resolver
   * takes, joins the batch; `nextTick` would dispatch as soon as the first resolver's
   * microtasks drain. The cost is well under a millisecond and no timer.
   * A window closes the same way: its timer fires in the timers phase, before the poll
   * phase reads the requests that reached their sockets while the loop was busy, so the
   * batch goes out from the check phase of that turn and those requests join it rather
   * than open a batch of their own that waits a window more. Under load this made batches
   * about twice as large for the same latency (BENCHMARKS.md); on an idle loop the poll
   * phase has nothing to read and the batch leaves at once.
   * When the last scheduled batch of a loader dispatches, the loader leaves the map:
   * nothing is pending on it any more, and the next mutation with its key opens a new one.
   * A full batch does not wait at all (`submit` runs it), nor does any batch while draining.
   */
  private schedule(entry: LoaderEntry, dispatchBatch: () => void): void {
    entry.scheduled++;
    // A full batch that `submit` ran may have evicted its loader while the same mutation
    // still adds keys to it: the loader is back in the map, so later mutations join.
    if (!this.loaders.has(entry.route.key)) this.loaders.set(entry.route.key, entry);
    const windowMs = this.draining ? 0 : this.options.windowMs;
    let ran = false;
    let windowTimer: NodeJS.Timeout | undefined;
    let closing: NodeJS.Immediate | undefined;
    const batch: ScheduledBatch = {
      size: 0,
      openedAt: performance.now(),
      run: () => {
        if (ran) return;
        ran = true;
        clearTimeout(windowTimer);
        clearImmediate(closing);
        this.waiting.delete(batch);
        if (entry.open === batch) entry.open = null;
        entry.scheduled--;
        if (entry.scheduled === 0 && this.loaders.get(entry.route.key) === entry) {
          this.loaders.delete(entry.route.key);
        }
        dispatchBatch();
      },
    };
    const closeAtEndOfTurn = () => {
      closing = setImmediate(batch.run);
    };
    if (windowMs > 0) windowTimer = setTimeout(closeAtEndOfTurn, windowMs);
    else closeAtEndOfTurn();
    entry.open = batch;
    this.waiting.add(batch);
  }

  /**
   * The batch function. Each customer not already in a call of its lane goes in this
   * batch's call; any other occurrence (a duplicate within the batch, or one in a call
   * still running) waits for that call and then joins a later batch (`answer`). Every key
   * is answered on its own as its call comes back, so a waiting duplicate holds back
   * nobody else of the batch; the values DataLoader gets are only its contract's shape.
   */
  private dispatch(route: Route, keys: readonly PendingCustomer[]): Promise<void[]> {
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
    if (sending.length > 0) void this.send(route, sending, deadline);
    return Promise.resolve(keys.map(() => undefined));
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
  private async send(
    route: Route,
    keys: readonly PendingCustomer[],
    deadline: number,
  ): Promise<void> {
    const started = performance.now();
    const outcomes = await this.call(route, keys, deadline);
    const callMs = performance.now() - started;
    keys.forEach((key, position) =>
      this.answer(key, outcomes[position] ?? { ...LOST_TRACK }, callMs),
    );
  }

  /**
   * Answers one customer of one mutation (once). If its call had the customer, the next
   * occurrence waiting for it joins the open batch of its own loader — unless it has less
   * than twice the time the call just made took (`callMs`): sent, it would most likely
   * reach its deadline in flight and end unknown, so it gets a definite CONCURRENT_ACTION.
   */
  private answer(key: PendingCustomer, outcome: CustomerOutcome, callMs = 0): void {
    if (key.settled) return;
    key.settled = true;
    clearTimeout(key.waitTimer);
    const { mutation, caller } = key;
    mutation.outcomes[key.index] = outcome;
    if (--mutation.remaining === 0) mutation.resolve(mutation.outcomes);
    if (--caller.queued === 0 && this.callers.get(caller.id) === caller) {
      this.callers.delete(caller.id);
    }
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
      this.enqueue(this.loaderFor(next.route), next);
      return;
    }
    this.busy.delete(exclusionKey);
  }

  private async call(
    route: Route,
    keys: readonly PendingCustomer[],
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    const body = toRequestBody(
      route.action,
      route.promotion,
      route.identifierName,
      keys.map((key) => key.customer),
    );
    let outcomes: CustomerOutcome[];
    try {
      outcomes = await this.client.send(route.credentials, body, deadline);
    } catch {
      // The client never rejects; if it ever does, the call may have been sent.
      return unknownForAll(keys.length, 'the gateway lost track of the call to the promotion API');
    }
    if (outcomes.length !== keys.length) {
      return unknownForAll(keys.length, 'the gateway lost track of the call to the promotion API');
    }
    return outcomes;
  }
}
