/**
 * When a payload is worth sending again, and how long to wait first. Pure: the server
 * marks every error it knows may pass with `retryable: true`, so nothing here lists types.
 */

export interface RetryPolicy {
  /** Default `8`. Attempts in all, the first included. */
  maxAttempts: number;
  /** Default `250` ms. The first backoff; each further one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  /** Default `5000` ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
});

interface ErrorLike {
  __typename: string;
  retryable?: boolean;
  retryAfterSeconds?: number | null;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && '__typename' in value;
}

/**
 * The wait the payload asks for before a retry (its largest `retryAfterSeconds`, else 0),
 * or null when nothing in it is retryable: the whole payload, or any customer's outcome.
 */
export function retryWaitOf(payload: unknown): number | null {
  if (!isErrorLike(payload)) return null;
  const retryable: ErrorLike[] = [];
  if (payload.retryable === true) retryable.push(payload);
  const results = (payload as { results?: unknown }).results;
  if (Array.isArray(results)) {
    for (const result of results) {
      const outcome = (result as { outcome?: unknown } | null)?.outcome;
      if (isErrorLike(outcome) && outcome.retryable === true) retryable.push(outcome);
    }
  }
  if (retryable.length === 0) return null;
  return Math.max(0, ...retryable.map((error) => (error.retryAfterSeconds ?? 0) * 1000));
}

/** Exponential backoff with full jitter, so that many clients do not retry in step. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
