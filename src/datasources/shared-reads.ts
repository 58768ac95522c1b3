/**
 * Identical reads in flight share one call (DESIGN §8): the same caller asking the same
 * thing joins the call already on its way — unless a write through this process for the
 * same customer finished after that call started (read-your-writes): such a write takes
 * the call out of reach, and the next read starts a fresh one.
 */
import { LRUCache } from 'lru-cache';
import type { Caller } from '../domain/caller';
import { customerIdentityOf } from '../domain/customer-identity';
import { isSuccess, type CustomerOutcome } from '../domain/outcome';
import type { IdentifierName } from '../domain/promotion';
import type { OperationTrace } from '../observability/observer';

/** The customer of a read or a write, as far as the gateway can tell who it is. */
export interface CustomerKeys {
  /** `mobile:919…`, `email:…`, `entity:555…` (an id is the entity itself). */
  keys: string[];
  /** False when the platform's customer id is not known: any write of the caller may be this customer's. */
  entityKnown: boolean;
}

interface Joiner {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

/** A read's call as its starter made it: the answer, and who hears of each joiner. */
export interface SharedCall<T> {
  answer: Promise<T>;
  joined(operation: OperationTrace | undefined): void;
}

interface InFlight {
  /** Reads that joined the call; its starter awaits the call itself. */
  joiners: Joiner[];
  joined: SharedCall<unknown>['joined'];
  /** Null: never made stale by writes (definitions). */
  customer: CustomerKeys | null;
}

/**
 * Joiners handed the shared answer per turn of the event loop. Answering a crowd of them in
 * one turn holds the loop (~15 ms for 200), so the next reads, a fresh call among them,
 * would wait behind it (BENCHMARKS.md, S5 hot).
 */
export const ANSWERS_PER_TURN = 16;

export interface SharedReadsOptions {
  /**
   * Default `1000`. Distinct reads one caller (every spelling of its credentials) may have in
   * flight; past it, `run` answers null.
   */
  maxInFlightPerCaller?: number;
  /** Default `10000`. Identifier → customer id pairs remembered, learned from answers. */
  maxRememberedCustomers?: number;
}

export class SharedReads {
  private readonly callers = new Map<string, Map<string, InFlight>>();
  /** Distinct reads in flight per fairness account; an account at 0 is forgotten. */
  private readonly inFlight = new Map<string, number>();
  /** `${callerId}\n${name}:${identity}` → entity id, learned from lookups and writes. */
  private readonly entities: LRUCache<string, string>;
  private readonly maxInFlightPerCaller: number;
  /** Calls started and reads that joined one, since start (for tests and benchmarks). */
  readonly stats = { started: 0, joined: 0 };

  constructor(options: SharedReadsOptions = {}) {
    this.maxInFlightPerCaller = options.maxInFlightPerCaller ?? 1000;
    this.entities = new LRUCache({ max: options.maxRememberedCustomers ?? 10_000 });
  }

  /**
   * The call in flight for `key` (told that `operation` joined it), or a new one from
   * `start`; null when the caller already has `maxInFlightPerCaller` distinct reads in flight.
   */
  run<T>(
    caller: Caller,
    key: string,
    customer: CustomerKeys | null,
    operation: OperationTrace | undefined,
    start: () => SharedCall<T>,
  ): Promise<T> | null {
    const callerId = caller.id;
    let calls = this.callers.get(callerId);
    const existing = calls?.get(key);
    if (existing !== undefined) {
      this.stats.joined++;
      existing.joined(operation);
      return new Promise<T>((resolve, reject) => {
        existing.joiners.push({ resolve: resolve as (value: unknown) => void, reject });
      });
    }
    const { account } = caller;
    const inFlight = this.inFlight.get(account) ?? 0;
    if (inFlight >= this.maxInFlightPerCaller) return null;
    if (calls === undefined) {
      calls = new Map();
      this.callers.set(callerId, calls);
    }
    this.stats.started++;
    const call = start();
    // Counted once started: a start that threw leaves no count behind.
    this.inFlight.set(account, inFlight + 1);
    const entry: InFlight = { joiners: [], joined: call.joined, customer };
    const own = calls;
    const promise = call.answer.finally(() => {
      if (own.get(key) === entry) own.delete(key);
      if (own.size === 0 && this.callers.get(callerId) === own) this.callers.delete(callerId);
      const left = (this.inFlight.get(account) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(account);
      else this.inFlight.set(account, left);
    });
    calls.set(key, entry);
    promise.then(
      (value) => handOut(entry.joiners, (joiner) => joiner.resolve(value)),
      (reason: unknown) => handOut(entry.joiners, (joiner) => joiner.reject(reason)),
    );
    return promise;
  }

  /** The keys of a read of one customer, with the customer id when it is known. */
  customerOf(callerId: string, identifierName: IdentifierName, value: string): CustomerKeys {
    const identity = `${identifierName}:${customerIdentityOf(identifierName, value)}`;
    if (identifierName === 'id') {
      return { keys: [`entity:${customerIdentityOf('id', value)}`], entityKnown: true };
    }
    const entity = this.entities.get(`${callerId}\n${identity}`);
    return entity === undefined
      ? { keys: [identity], entityKnown: false }
      : { keys: [identity, `entity:${entity}`], entityKnown: true };
  }

  /** Remembers who an identifier is, from an answer that named the customer id. */
  learn(callerId: string, identifierName: IdentifierName, value: string, entityId: string): void {
    if (identifierName === 'id') return;
    const identity = `${identifierName}:${customerIdentityOf(identifierName, value)}`;
    this.entities.set(`${callerId}\n${identity}`, customerIdentityOf('id', entityId));
  }

  /**
   * A write of these customers finished (or may have been done): reads of them in flight
   * are no longer joined. Called before the write's answer leaves the gateway.
   */
  writeFinished(
    callerId: string,
    identifierName: IdentifierName,
    customers: readonly { identifierValue: string }[],
    outcomes: readonly CustomerOutcome[],
  ): void {
    const calls = this.callers.get(callerId);
    const written = new Set<string>();
    let unknownCustomer = false;
    customers.forEach((customer, index) => {
      const outcome = outcomes[index];
      // Nothing was done for a customer that got an error of its own or of the path.
      if (outcome !== undefined && !isSuccess(outcome) && outcome.kind !== 'OUTCOME_UNKNOWN') {
        return;
      }
      if (outcome !== undefined && isSuccess(outcome)) {
        this.learn(callerId, identifierName, customer.identifierValue, outcome.entityId);
      }
      // No read of this caller in flight: nothing to make stale, only who the customer is to learn.
      if (calls === undefined) return;
      const keys = this.customerOf(callerId, identifierName, customer.identifierValue);
      for (const key of keys.keys) written.add(key);
      if (!keys.entityKnown) unknownCustomer = true;
    });
    if (calls === undefined || (written.size === 0 && !unknownCustomer)) return;
    for (const [key, call] of calls) {
      if (call.customer === null) continue;
      const stale =
        unknownCustomer ||
        !call.customer.entityKnown ||
        call.customer.keys.some((k) => written.has(k));
      if (stale) calls.delete(key);
    }
  }
}

/** Settles `joiners` in order, `ANSWERS_PER_TURN` per turn; the first ones at once. */
function handOut(joiners: Joiner[], settle: (joiner: Joiner) => void, from = 0): void {
  const end = Math.min(joiners.length, from + ANSWERS_PER_TURN);
  for (let i = from; i < end; i++) settle(joiners[i] as Joiner);
  if (end < joiners.length) setImmediate(() => handOut(joiners, settle, end));
}
