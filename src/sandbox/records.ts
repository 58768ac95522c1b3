/** What the admin endpoints report. Shared by the server and `admin-client.ts`. */

/**
 * One enrolment, earn or revocation the sandbox did. Ids as the envelope carried them; a
 * REVOKE_EARN has one entry per earn revoked.
 */
export interface LedgerEntry {
  org: string;
  programId: number;
  promotionId: number;
  action: 'ENROL' | 'EARN' | 'REVOKE_ENROL' | 'REVOKE_EARN';
  /** A number, as `result.entityId` in the envelope. */
  entityId: number;
  issualId: string;
  /** Null for ENROL and REVOKE_ENROL. */
  earnedId: string | null;
  /** ISO 8601. */
  time: string;
  /** The `X-Cap-Requestid` of the call that did it (= `CallRecord.id`). */
  callId: string;
}

/** The injected fault a call got; null when it was served normally. */
export type CallFault =
  'status500' | 'rateLimit' | 'overloaded' | 'resetAfterCommit' | 'hangAfterCommit' | 'malformed';

/** One `POST /v2/promotion/bulk/enrolAndEarn` or `.../revokeEnrolAndEarn` the sandbox received. */
export interface CallRecord {
  /** The `X-Cap-Requestid` header sent (or that would have been sent) with the answer. */
  id: string;
  /** The endpoint called, e.g. `/v2/promotion/bulk/revokeEnrolAndEarn`. */
  path: string;
  /**
   * sha256 hex of `${Authorization}\n${X-CAP-API-OAUTH-TOKEN}` (absent headers as ''),
   * never the values themselves; see `credentialHashOf`.
   */
  credentialHash: string;
  /** Org of the credentials when they were valid, else null. */
  org: string | null;
  /** The request body: parsed JSON, or the raw text when it was not JSON. */
  body: unknown;
  /** HTTP status sent; null when none was (reset, hang). */
  status: number | null;
  fault: CallFault | null;
  /** Length of `customers` in the body (0 when absent). */
  customers: number;
  /** The W3C `traceparent` header sent with the call (a trace id, not personal), or null. */
  traceparent: string | null;
  /** ISO 8601, when the call was received (its body read). */
  time: string;
  /**
   * ISO 8601, when the call stopped holding its customers: its answer (or reset) was
   * sent, or its socket closed (a hung call). Null while it is in flight.
   */
  endTime: string | null;
}

/** A log that keeps the newest `capacity` items; pushes are O(1). */
export class BoundedLog<T> {
  private items: (T | undefined)[] = [];
  private start = 0;
  private size = 0;
  private droppedCount = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
  }

  push(item: T): void {
    if (this.size < this.capacity) {
      this.items[(this.start + this.size) % this.capacity] = item;
      this.size++;
      return;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    this.droppedCount++;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array<T>(this.size);
    for (let i = 0; i < this.size; i++) {
      out[i] = this.items[(this.start + i) % this.capacity] as T;
    }
    return out;
  }

  get length(): number {
    return this.size;
  }

  /** Items pushed out to keep the log within capacity since the last clear. */
  get dropped(): number {
    return this.droppedCount;
  }

  clear(): void {
    this.items = [];
    this.start = 0;
    this.size = 0;
    this.droppedCount = 0;
  }
}

/** One earn as the customer lookup shows it (its `issuedDetails[]`). */
export interface EarningRecord {
  earnedId: string;
  /** ISO 8601 UTC. */
  earnedAt: string;
  expiresAt: string;
  /** Set once the earn is revoked; the lookup no longer shows it. */
  revokedAt?: string;
}

/** One enrolment (or, for Direct Issue, the entry that shares its issue) with its earns. */
export interface EnrolmentRecord {
  issualId: string;
  /** ISO 8601 UTC. */
  enrolledAt: string;
  expiresAt: string;
  earnings: EarningRecord[];
  /** Set once the enrolment is revoked; the lookup no longer shows it. */
  revokedAt?: string;
}

/** One call of a read endpoint (the customer lookup, get-by-id) the sandbox received. */
export interface ReadCallRecord {
  /** The `X-Cap-Requestid` header sent with the answer. */
  id: string;
  /** As `CallRecord.credentialHash`. */
  credentialHash: string;
  org: string | null;
  method: string;
  path: string;
  /** The query string as it came, without `?` ('' when none). */
  query: string;
  /** HTTP status sent; null when none was (reset). */
  status: number | null;
  fault: CallFault | null;
  /** As `CallRecord.traceparent`. */
  traceparent: string | null;
  /** ISO 8601, when the call was received. */
  time: string;
}
