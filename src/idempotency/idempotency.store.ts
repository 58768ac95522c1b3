/**
 * Idempotency records, one per (caller, idempotencyKey): `claim` makes one RUNNING under a
 * lease and a token, and only the token's holder ends the run (`complete`, `release`), so
 * an owner whose lease was taken over cannot overwrite the newer owner's record.
 */

/** JSON-serialisable; the service decides its shape. Stored and returned as a JSON copy. */
export type StoredPayload = unknown;

export type ClaimResult =
  /**
   * The caller now owns the key until `complete`/`release` or until the lease runs out.
   * `previous` is the partial payload of an earlier run whose outcome was not final.
   * `token` proves ownership to `complete` and `release`.
   */
  | { status: 'CLAIMED'; previous: StoredPayload | null; token: string }
  /** A final payload is stored for this input: replay it. */
  | { status: 'COMPLETED'; payload: StoredPayload }
  /** Another run of the same input holds the key now. */
  | { status: 'IN_PROGRESS' }
  /** The key was used with another input (running, partial or completed). */
  | { status: 'INPUT_MISMATCH' };

export type ClaimStatus = ClaimResult['status'];

export interface IdempotencyStore {
  /**
   * Atomically, by the record under (scope, key):
   * - none → CLAIMED with `previous: null`;
   * - other `inputHash` (in any state) → INPUT_MISMATCH;
   * - running and its lease alive → IN_PROGRESS;
   * - completed → COMPLETED with the payload;
   * - partial, or running with a lapsed lease (its owner crashed) → CLAIMED with the
   *   partial payload (or null) as `previous`.
   *
   * `scope` is a hash of the caller's credentials, computed by the caller.
   * `leaseMs` bounds how long a crashed owner can block the key.
   */
  claim(scope: string, key: string, inputHash: string, leaseMs: number): Promise<ClaimResult>;

  /**
   * The owner stores its outcome and the run ends. `final: true` — kept for the TTL and
   * replayed; `final: false` — kept as a partial payload for the next claimer.
   * Resolves `false` (and stores nothing) when `token` no longer owns the key: a newer
   * owner claimed it after this one's lease ran out, or the record expired.
   */
  complete(
    scope: string,
    key: string,
    token: string,
    payload: StoredPayload,
    final: boolean,
  ): Promise<boolean>;

  /**
   * The owner gives the key up without a payload (e.g. input refused before any API
   * call). A later claim starts fresh, but still receives an earlier partial payload.
   * Resolves `false` when `token` no longer owns the key.
   */
  release(scope: string, key: string, token: string): Promise<boolean>;

  /**
   * Milliseconds. The longest one operation (claim, complete, release) waits before it
   * settles or rejects; a lease must outlast the owner's work plus its attempts to complete.
   */
  readonly operationTimeoutMs: number;

  /** Resolves when the store can answer (for readiness probes); rejects like `claim`. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/** The store could not answer (Redis down, slow, or the in-memory store is full). Retryable. */
export class IdempotencyStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdempotencyStoreUnavailableError';
  }
}

/**
 * The store has no room for another record (the in-memory store's budget is full of
 * records still within their TTL). Only new keys are refused; existing records are served.
 */
export class IdempotencyStoreFullError extends Error {
  /** Milliseconds until the first record can end and make room. */
  readonly retryAfterMs: number;

  constructor(retryAfterMs: number) {
    super('the idempotency store is full');
    this.name = 'IdempotencyStoreFullError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Default `promotion-gateway:idem:`. Prefix of every Redis key the store writes. */
export const DEFAULT_IDEMPOTENCY_KEY_PREFIX = 'promotion-gateway:idem:';

export function assertLeaseMs(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs < 1) {
    throw new RangeError(`leaseMs must be a positive integer, got ${leaseMs}`);
  }
}

export function assertTtlSeconds(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
  }
}

/** JSON text of a payload; refuses what JSON cannot carry instead of storing `undefined`. */
export function payloadJsonOf(payload: StoredPayload): string {
  const json = JSON.stringify(payload);
  if (json === undefined) {
    throw new TypeError('idempotency payload must be JSON-serialisable');
  }
  return json;
}
