import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  assertLeaseMs,
  assertTtlSeconds,
  type ClaimResult,
  type IdempotencyStore,
  IdempotencyStoreFullError,
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
   * fixed overhead) past which new keys are refused with `IdempotencyStoreFullError`.
   */
  maxBytes?: number;
  /** Where it says that it is full, and that it has room again; never given keys or payloads. */
  logger?: Pick<Logger, 'warn' | 'info'>;
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

/** While it stays full, the store says so again at most this often. */
const FULL_WARNING_INTERVAL_MS = 60_000;

/**
 * Idempotency records in this process's memory (one replica, or development). A record
 * dropped before its TTL would let a retry reach the API again, so past `maxBytes` only
 * claims of new keys are refused (`IdempotencyStoreFullError`); existing keys are served.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, MemoryRecord>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxBytes: number;
  private readonly sweeper: NodeJS.Timeout;
  private readonly logger: Pick<Logger, 'warn' | 'info'> | null;
  private bytes = 0;
  /** Earliest time a record can end (TTL, or a lapsed lease with nothing stored). */
  private nextRoomAt = Infinity;
  /** Set while full: claims refused, and whether this spell of it was logged. */
  private full: { refused: number; warned: boolean } | null = null;
  private lastFullWarningAt = -Infinity;
  /** Memory answers at once. */
  readonly operationTimeoutMs = 0;

  constructor(options: MemoryIdempotencyStoreOptions) {
    assertTtlSeconds(options.ttlSeconds);
    this.ttlMs = options.ttlSeconds * 1000;
    this.now = options.now ?? Date.now;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.logger = options.logger ?? null;
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
      this.makeRoom(RECORD_OVERHEAD_BYTES + id.length, now);
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
    this.nextRoomAt = Infinity;
  }

  /** Drops every expired record; runs on the timer, callable directly. */
  sweepExpired(): void {
    const now = this.now();
    let nextRoomAt = Infinity;
    for (const [id, record] of this.records) {
      if (record.expiresAt <= now) this.remove(id);
      else nextRoomAt = Math.min(nextRoomAt, roomAtOf(record));
    }
    this.nextRoomAt = nextRoomAt;
  }

  private live(id: string, now: number): MemoryRecord | undefined {
    const record = this.records.get(id);
    if (record !== undefined && record.expiresAt <= now) {
      this.remove(id);
      return undefined;
    }
    return record;
  }

  private write(id: string, record: MemoryRecord): void {
    this.remove(id);
    record.bytes = RECORD_OVERHEAD_BYTES + id.length + (record.payloadJson?.length ?? 0);
    this.records.set(id, record);
    this.bytes += record.bytes;
    this.nextRoomAt = Math.min(this.nextRoomAt, roomAtOf(record));
  }

  private remove(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    this.records.delete(id);
    this.bytes -= record.bytes;
  }

  /**
   * Refuses a new record of `needed` bytes when the budget cannot take it. Only records
   * that ended (TTL passed) or whose silent owner stored nothing (lease lapsed) are
   * dropped to make room; the scan runs only once one of them may be due.
   */
  private makeRoom(needed: number, now: number): void {
    if (this.bytes + needed > this.maxBytes && now >= this.nextRoomAt) {
      let nextRoomAt = Infinity;
      for (const [id, record] of this.records) {
        if (roomAtOf(record) <= now) this.remove(id);
        else nextRoomAt = Math.min(nextRoomAt, roomAtOf(record));
      }
      this.nextRoomAt = nextRoomAt;
    }
    if (this.bytes + needed <= this.maxBytes) {
      if (this.full?.warned) {
        this.logger?.info(
          { refusedClaims: this.full.refused },
          'in-memory idempotency store has room again',
        );
      }
      this.full = null;
      return;
    }
    // With nothing stored yet, no record will make room: the budget is below one record.
    const retryAfterMs = Number.isFinite(this.nextRoomAt) ? this.nextRoomAt - now : this.ttlMs;
    this.full ??= { refused: 0, warned: false };
    this.full.refused += 1;
    // Once a minute at most, also when it flaps between full and not at every expiry.
    if (!this.full.warned && now - this.lastFullWarningAt >= FULL_WARNING_INTERVAL_MS) {
      this.logger?.warn(
        {
          maxBytes: this.maxBytes,
          storedBytes: this.bytes,
          records: this.records.size,
          retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
        },
        'in-memory idempotency store is full: new keyed mutations get RateLimitedError until records expire (raise IDEMPOTENCY_MEMORY_MAX_BYTES or set REDIS_URL)',
      );
      this.full.warned = true;
      this.lastFullWarningAt = now;
    }
    throw new IdempotencyStoreFullError(retryAfterMs);
  }
}

/**
 * When a record can go without losing anything: at its TTL, or once the lease of an
 * owner that stored nothing has lapsed (a claim would take it over from scratch).
 */
function roomAtOf(record: MemoryRecord): number {
  if (record.state === 'running' && record.payloadJson === null) {
    return Math.min(record.leaseUntil, record.expiresAt);
  }
  return record.expiresAt;
}

/** Scope and key joined without ambiguity (a key may contain any character). */
function recordIdOf(scope: string, key: string): string {
  return JSON.stringify([scope, key]);
}

function parsePayload(json: string | null): StoredPayload | null {
  return json === null ? null : (JSON.parse(json) as StoredPayload);
}
