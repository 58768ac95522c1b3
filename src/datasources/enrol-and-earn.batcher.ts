/**
 * Coalesces the customers of concurrent mutations into bulk enrolAndEarn calls
 * (DESIGN.md §2 "Coalescing"): one DataLoader per batch key, process-wide, living only
 * while it has a batch waiting for its window.
 */
import DataLoader from 'dataloader';
import { callerIdOf } from '../domain/caller';
import { customerIdentityOf } from '../domain/customer-identity';
import type { CustomerOutcome } from '../domain/outcome';
import type {
  BulkAction,
  Credentials,
  CustomerRef,
  IdentifierName,
  PromotionRef,
  PromotionRequest,
} from '../domain/promotion';
import { sameOutcomeForAll, toRequestBody, unknownForAll } from './enrol-and-earn.mapper';
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

/** One customer of one mutation, as a DataLoader key (keys are not cached, so objects are fine). */
interface PendingCustomer {
  customer: CustomerRef;
  deadline: number;
}

interface LoaderEntry {
  key: string;
  loader: DataLoader<PendingCustomer, CustomerOutcome>;
  /** Batches of this loader scheduled and not yet dispatched. */
  scheduled: number;
  /** The batch new keys of this loader join (DataLoader's current batch), null once it ran. */
  open: ScheduledBatch | null;
  credentials: Credentials;
  action: BulkAction;
  promotion: PromotionRef;
  identifierName: IdentifierName;
}

interface ScheduledBatch {
  /** Dispatches the batch now, if it has not been dispatched yet. */
  run(): void;
  /** Keys that joined it so far. */
  size: number;
  /** `performance.now()` when its first key arrived. */
  openedAt: number;
}

/**
 * Who may share a call: the same caller (a hash of the credential headers, so that
 * the key itself holds no secret), program, promotion, action and identifierName.
 */
export function batchKeyOf(request: PromotionRequest, credentials: Credentials): string {
  const callerHash = callerIdOf(credentials);
  const { programId, promotionId, promoIdentifier } = request.promotion;
  // JSON keeps the parts unambiguous whatever characters a promoIdentifier holds.
  return JSON.stringify([
    callerHash,
    programId,
    promotionId ?? null,
    promotionId === null || promotionId === undefined ? (promoIdentifier ?? null) : null,
    request.action,
    request.identifierName,
  ]);
}

/**
 * Splits a batch into groups in which no identifierValue appears twice (the platform
 * answers 521 "concurrent actions on the same customer"); the n-th occurrence of a
 * customer goes to group n. Returns null when there is no duplicate (the usual case).
 */
export function splitDuplicates(values: readonly string[]): number[][] | null {
  const seen = new Map<string, number>();
  let duplicate = false;
  for (const value of values) {
    const count = seen.get(value) ?? 0;
    if (count > 0) duplicate = true;
    seen.set(value, count + 1);
  }
  if (!duplicate) return null;
  seen.clear();
  const groups: number[][] = [];
  values.forEach((value, index) => {
    const occurrence = seen.get(value) ?? 0;
    seen.set(value, occurrence + 1);
    (groups[occurrence] ??= []).push(index);
  });
  return groups;
}

export class EnrolAndEarnBatcher {
  private readonly loaders = new Map<string, LoaderEntry>();
  private readonly waiting = new Set<ScheduledBatch>();
  private readonly idleWaiters: Array<() => void> = [];
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
   * `batchSize`, sent concurrently.
   */
  submit(
    request: PromotionRequest,
    credentials: Credentials,
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    const count = request.customers.length;
    if (count === 0) return Promise.resolve([]);
    if (this.queued + count > this.options.maxQueuedCustomers) {
      return Promise.resolve(
        sameOutcomeForAll(count, {
          kind: 'RATE_LIMITED',
          message: 'the gateway is busy; try again shortly',
          retryAfterSeconds: 1,
        }),
      );
    }
    this.queued += count;
    const entry = this.loaderFor(batchKeyOf(request, credentials), request, credentials);
    // Key by key rather than loadMany, so that a batch goes out the moment it is full:
    // waiting for the window could not add anyone to it (DataLoader only notices a full
    // batch when the next key arrives, and a 100-customer mutation has no next key).
    const outcomes = request.customers.map((customer) => {
      const outcome = entry.loader.load({ customer, deadline });
      const batch = entry.open;
      if (batch !== null && ++batch.size >= this.options.batchSize) batch.run();
      // The batch function settles every key itself; this only guards against a bug of ours.
      return outcome.catch((): CustomerOutcome => ({
        kind: 'OUTCOME_UNKNOWN',
        message: 'the gateway lost track of this customer',
      }));
    });
    const open = entry.open;
    if (open !== null && this.leavesEarly(open)) open.run();
    return Promise.all(outcomes);
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

  private loaderFor(key: string, request: PromotionRequest, credentials: Credentials): LoaderEntry {
    const existing = this.loaders.get(key);
    if (existing !== undefined) return existing;
    const entry: LoaderEntry = {
      key,
      scheduled: 0,
      open: null,
      credentials,
      action: request.action,
      promotion: request.promotion,
      identifierName: request.identifierName,
      loader: undefined as unknown as DataLoader<PendingCustomer, CustomerOutcome>,
    };
    entry.loader = new DataLoader<PendingCustomer, CustomerOutcome>(
      (keys) => this.dispatch(entry, keys),
      {
        cache: false,
        maxBatchSize: this.options.batchSize,
        batchScheduleFn: (dispatchBatch) => this.schedule(entry, dispatchBatch),
      },
    );
    this.loaders.set(key, entry);
    return entry;
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
    if (!this.loaders.has(entry.key)) this.loaders.set(entry.key, entry);
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
        if (entry.scheduled === 0 && this.loaders.get(entry.key) === entry) {
          this.loaders.delete(entry.key);
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

  /** The batch function: one call per group of distinct customers; outcomes in key order. */
  private async dispatch(
    entry: LoaderEntry,
    keys: readonly PendingCustomer[],
  ): Promise<CustomerOutcome[]> {
    try {
      let deadline = Infinity;
      for (const key of keys) if (key.deadline < deadline) deadline = key.deadline;
      const groups = splitDuplicates(
        keys.map((key) => customerIdentityOf(entry.identifierName, key.customer.identifierValue)),
      );
      if (groups === null) return await this.call(entry, keys, deadline);
      // Rare (two concurrent mutations with the same customer): the groups go one after
      // another, not side by side, so this batch never puts one customer in two concurrent
      // calls (521); they share the batch's deadline. Two different batches (e.g. the
      // 100-customer slices of one large mutation) are not checked against each other.
      const outcomes = new Array<CustomerOutcome>(keys.length);
      for (const group of groups) {
        const answered = await this.call(
          entry,
          group.map((index) => keys[index] as PendingCustomer),
          deadline,
        );
        group.forEach((index, position) => {
          outcomes[index] = answered[position] as CustomerOutcome;
        });
      }
      return outcomes;
    } finally {
      this.release(keys.length);
    }
  }

  private async call(
    entry: LoaderEntry,
    keys: readonly PendingCustomer[],
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    const body = toRequestBody(
      entry.action,
      entry.promotion,
      entry.identifierName,
      keys.map((key) => key.customer),
    );
    let outcomes: CustomerOutcome[];
    try {
      outcomes = await this.client.send(entry.credentials, body, deadline);
    } catch {
      // The client never rejects; if it ever does, the call may have been sent.
      return unknownForAll(keys.length, 'the gateway lost track of the call to the promotion API');
    }
    if (outcomes.length !== keys.length) {
      return unknownForAll(keys.length, 'the gateway lost track of the call to the promotion API');
    }
    return outcomes;
  }

  private release(count: number): void {
    this.queued -= count;
    if (this.queued === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }
}
