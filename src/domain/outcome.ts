/**
 * What happened to one customer of one mutation. Every customer that reaches the
 * datasource ends with exactly one of these; nothing is ever left unanswered.
 */

export interface UpstreamWarning {
  code: number;
  message: string;
}

/** The API reported the work done: an enrolment (ENROL) or an earn (EARN). */
export interface IssuedOutcome {
  kind: 'ISSUED';
  entityId: string;
  programId: number;
  promotionId: number | null;
  promoIdentifier: string | null;
  issualId: string;
  /** Set for EARN, null for ENROL. */
  earnedId: string | null;
  warnings: UpstreamWarning[];
}

/** The API reported a revocation: the enrolment (REVOKE_ENROL) or earns (REVOKE_EARN) taken back. */
export interface RevokedOutcome {
  kind: 'REVOKED';
  entityId: string;
  programId: number;
  promotionId: number | null;
  promoIdentifier: string | null;
  /** Set for REVOKE_ENROL, null for REVOKE_EARN. */
  revokedIssualId: string | null;
  /** The earns revoked (REVOKE_EARN); empty for REVOKE_ENROL. */
  revokedEarnedIds: string[];
  warnings: UpstreamWarning[];
}

/** What the API reported done, whichever the action. */
export type SuccessOutcome = IssuedOutcome | RevokedOutcome;

/**
 * The API answered with an error code. `scope: 'batch'` when it was a request-level
 * error (one element for the whole call, e.g. 1101), `'customer'` when it was this
 * customer's own item (8015, 8896, 8890 ...).
 */
export interface UpstreamErrorOutcome {
  kind: 'UPSTREAM_ERROR';
  code: number;
  message: string;
  scope: 'batch' | 'customer';
}

/** Nothing was processed: refused, DNS, connect timeout, open circuit, 503, queue full of 503s. */
export interface UnavailableOutcome {
  kind: 'UNAVAILABLE';
  message: string;
}

/** Not processed: the API (or our own bounded queue) asked us to slow down. */
export interface RateLimitedOutcome {
  kind: 'RATE_LIMITED';
  message: string;
  retryAfterSeconds: number | null;
}

/** The call was sent and no trustworthy answer came back: it may or may not have been done. */
export interface OutcomeUnknownOutcome {
  kind: 'OUTCOME_UNKNOWN';
  message: string;
  /**
   * Epoch ms at or before which the call went out: a retry looks for its work from then on
   * (DESIGN §8 "Reconcile"). Absent when not known, as in records kept before it was.
   */
  sentAt?: number;
}

/**
 * The API refused the caller's credentials (401) or their rights (403). Credentials are
 * part of the batch key, so this always applies to a whole call; the resolver turns it
 * into a top-level GraphQL error (UNAUTHENTICATED / FORBIDDEN), not a payload.
 */
export interface AuthRejectedOutcome {
  kind: 'AUTH_REJECTED';
  status: 401 | 403;
  message: string;
}

export type CustomerOutcome =
  | IssuedOutcome
  | RevokedOutcome
  | UpstreamErrorOutcome
  | UnavailableOutcome
  | RateLimitedOutcome
  | OutcomeUnknownOutcome
  | AuthRejectedOutcome;

/** Every outcome that is not the work done. */
export type FailureOutcome = Exclude<CustomerOutcome, SuccessOutcome>;

export function isSuccess(outcome: CustomerOutcome): outcome is SuccessOutcome {
  return outcome.kind === 'ISSUED' || outcome.kind === 'REVOKED';
}

/** Errors of the path to the API apply to a whole call, so they are always batch-level. */
export function isBatchLevel(outcome: CustomerOutcome): boolean {
  switch (outcome.kind) {
    case 'ISSUED':
    case 'REVOKED':
      return false;
    case 'UPSTREAM_ERROR':
      return outcome.scope === 'batch';
    case 'UNAVAILABLE':
    case 'RATE_LIMITED':
    case 'OUTCOME_UNKNOWN':
    case 'AUTH_REJECTED':
      return true;
    default:
      return assertNever(outcome);
  }
}

/** Same outcome for every customer of a call (a batch-level answer, or a path failure). */
export function sameOutcomeForAll(count: number, outcome: CustomerOutcome): CustomerOutcome[] {
  // A copy per customer: callers own their outcomes and must not see each other's edits.
  const out = new Array<CustomerOutcome>(count);
  for (let i = 0; i < count; i++) out[i] = { ...outcome };
  return out;
}

/** OUTCOME_UNKNOWN for every customer of a call: it was sent and no trustworthy answer came back. */
export function unknownForAll(count: number, message: string): CustomerOutcome[] {
  return sameOutcomeForAll(count, { kind: 'OUTCOME_UNKNOWN', message });
}

/** The outcomes of a call that left at `sentAt`, each unknown one stamped with it. */
export function stampSentAt(outcomes: CustomerOutcome[], sentAt: number): CustomerOutcome[] {
  return outcomes.map((o) =>
    o.kind === 'OUTCOME_UNKNOWN' && o.sentAt === undefined ? { ...o, sentAt } : o,
  );
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
