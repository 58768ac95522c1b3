import { randomUUID } from 'node:crypto';
import {
  assertLeaseMs,
  assertTtlSeconds,
  type ClaimResult,
  type IdempotencyStore,
  IdempotencyStoreUnavailableError,
  payloadJsonOf,
  type StoredPayload,
} from './idempotency.store';

export interface MemoryIdempotencyStoreOptions {
  /** How long a completed or partial record is kept, in seconds. */
  ttlSeconds: number;
  /** Default `Date.now`. Milliseconds; injectable for tests. */
  now?: () => number;
  /** Default `60000` ms. How often expired records are swept (besides lazily on access). */
  sweepIntervalMs?: number;
  /**
   * Default `67108864` (64 MiB). Approximate bytes of stored records (payload JSON, keys,
   * fixed overhead) past which the least recently written records not under a live
   * lease are evicted.
   */
  maxBytes?: number;
}

type RecordState = 'running' | 'partial' | 'done';

interface MemoryRecord {
  state: RecordState;
  inputHash: string;
  /** Set while running. */
  token: string | null;
  leaseUntil: number;
  payloadJson: string | null;
  expiresAt: number;
  bytes: number;
}

/** Rough per-record cost besides the payload and the key: object, strings, Map entry. */
const RECORD_OVERHEAD_BYTES = 256;

/**
 * Idempotency records in this process's memory: for a single gateway instance and for
 * development. Replicas do not see each other's records; use Redis for those.
 *
 * Memory is bounded twice: records expire after the TTL, and past `maxBytes` the least
 * recently written records are evicted (never one whose lease is alive). When
 * only running records are left, a new claim is refused with
 * `IdempotencyStoreUnavailableError` rather than growing further.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, MemoryRecord>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private readonly sweeper: NodeJS.Timeout;
  private bytes = 0;

  constructor(options: MemoryIdempotencyStoreOptions) {
    assertTtlSeconds(options.ttlSeconds);
    this.ttlMs = options.ttlSeconds * 1000;
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.sweeper = setInterval(() => this.sweepExpired(), options.sweepIntervalMs ?? 60_000);
    // The sweeper must never keep the process alive on its own.
    this.sweeper.unref();
  }

  /** Records held now, expired ones not yet swept included. */
  get size(): number {
    return this.records.size;
  }

  /** Approximate bytes held now. */
  get storedBytes(): number {
    return this.bytes;
  }

  async claim(
    scope: string,
    key: string,
    inputHash: string,
    leaseMs: number,
  ): Promise<ClaimResult> {
    assertLeaseMs(leaseMs);
    const id = recordIdOf(scope, key);
    const now = this.now();
    const record = this.live(id, now);

    if (record === undefined) {
      const token = randomUUID();
      this.write(id, {
        state: 'running',
        inputHash,
        token,
        leaseUntil: now + leaseMs,
        payloadJson: null,
        expiresAt: now + Math.max(this.ttlMs, leaseMs),
        bytes: 0,
      });
      this.evictOverBudget(id, true);
      return { status: 'CLAIMED', previous: null, token };
    }
    if (record.inputHash !== inputHash) return { status: 'INPUT_MISMATCH' };
    if (record.state === 'done') {
      return { status: 'COMPLETED', payload: parsePayload(record.payloadJson) };
    }
    if (record.state === 'running' && record.leaseUntil > now) return { status: 'IN_PROGRESS' };

    // Partial, or running under a lapsed lease (its owner crashed): take over, keeping
    // the partial payload so that nothing already known is asked again.
    const token = randomUUID();
    this.write(id, {
      ...record,
      state: 'running',
      token,
      leaseUntil: now + leaseMs,
      expiresAt: now + Math.max(this.ttlMs, leaseMs),
    });
    return { status: 'CLAIMED', previous: parsePayload(record.payloadJson), token };
  }

  async complete(
    scope: string,
    key: string,
    token: string,
    payload: StoredPayload,
    final: boolean,
  ): Promise<boolean> {
    const payloadJson = payloadJsonOf(payload);
    const id = recordIdOf(scope, key);
    const now = this.now();
    const record = this.live(id, now);
    if (record === undefined || record.state !== 'running' || record.token !== token) return false;
    this.write(id, {
      ...record,
      state: final ? 'done' : 'partial',
      token: null,
      leaseUntil: 0,
      payloadJson,
      expiresAt: now + this.ttlMs,
    });
    this.evictOverBudget(id, false);
    return true;
  }

  async release(scope: string, key: string, token: string): Promise<boolean> {
    const id = recordIdOf(scope, key);
    const record = this.live(id, this.now());
    if (record === undefined || record.state !== 'running' || record.token !== token) return false;
    if (record.payloadJson === null) {
      this.remove(id);
    } else {
      this.write(id, { ...record, state: 'partial', token: null, leaseUntil: 0 });
    }
    return true;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.records.clear();
    this.bytes = 0;
  }

  /** Drops every expired record; runs on the timer, callable directly. */
  sweepExpired(): void {
    const now = this.now();
    for (const [id, record] of this.records) {
      if (record.expiresAt <= now) this.remove(id);
    }
  }

  private live(id: string, now: number): MemoryRecord | undefined {
    const record = this.records.get(id);
    if (record !== undefined && record.expiresAt <= now) {
      this.remove(id);
      return undefined;
    }
    return record;
  }

  /** Writes re-insert, so the Map's order is least recently written first. */
  private write(id: string, record: MemoryRecord): void {
    this.remove(id);
    record.bytes = RECORD_OVERHEAD_BYTES + id.length + (record.payloadJson?.length ?? 0);
    this.records.set(id, record);
    this.bytes += record.bytes;
  }

  private remove(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    this.records.delete(id);
    this.bytes -= record.bytes;
  }

  /**
   * Evicts least recently written records not under a live lease until under budget. `justClaimed`:
   * when nothing more can go, the new claim is undone and refused; a completing owner
   * is never refused (its work is done), the budget is exceeded instead.
   */
  private evictOverBudget(keep: string, justClaimed: boolean): void {
    if (this.bytes <= this.maxBytes) return;
    this.sweepExpired();
    const now = this.now();
    for (const [id, record] of this.records) {
      if (this.bytes <= this.maxBytes) return;
      const leased = record.state === 'running' && record.leaseUntil > now;
      if (id !== keep && !leased) this.remove(id);
    }
    if (this.bytes > this.maxBytes && justClaimed) {
      this.remove(keep);
      throw new IdempotencyStoreUnavailableError(
        'in-memory idempotency store is full of running records',
      );
    }
  }
}

/** Scope and key joined without ambiguity (a key may contain any character). */
function recordIdOf(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}

function parsePayload(json: string | null): StoredPayload | null {
  return json === null ? null : (JSON.parse(json) as StoredPayload);
}
