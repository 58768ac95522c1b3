/**
 * Fault injection knobs of the sandbox: what `PUT /__sandbox/faults` accepts and
 * `GET /__sandbox/faults` returns (`env.ts` reads them from `SANDBOX_*` variables).
 */

export interface Faults {
  /** Default `0` ms. Added before every enrolAndEarn call is processed. */
  latencyMs: number;
  /** Default `0` ms. Uniform random extra latency in [0, jitterMs]. */
  jitterMs: number;
  /** Default `0`. Probability of a 500 without envelope; nothing is done. */
  status500Rate: number;
  /** Default `0`. Probability that the work is done, then the socket is reset with no answer. */
  resetAfterCommitRate: number;
  /** Default `0`. Probability that the work is done and no answer ever comes (socket held). */
  hangAfterCommitRate: number;
  /** Default `0`. Probability that the work is done and a 200 with truncated JSON comes back. */
  malformedRate: number;
  /** Default `0`. Probability of a 429 with `Retry-After`; nothing is done. */
  rateLimitRate: number;
  /** Default `1` s. The `Retry-After` of 429s. */
  retryAfterSeconds: number;
  /** Default `null` (unlimited; 0 too). Calls in flight (latency included) beyond which a 503 without envelope comes back; nothing is done. */
  maxConcurrent: number | null;
}

export const DEFAULT_FAULTS: Readonly<Faults> = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  status500Rate: 0,
  resetAfterCommitRate: 0,
  hangAfterCommitRate: 0,
  malformedRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: 1,
  maxConcurrent: null,
});

type Kind = 'rate' | 'milliseconds' | 'seconds' | 'limit';

/** What each knob holds; also how /openapi.json describes it. */
export const KINDS: Readonly<Record<keyof Faults, Kind>> = {
  latencyMs: 'milliseconds',
  jitterMs: 'milliseconds',
  status500Rate: 'rate',
  resetAfterCommitRate: 'rate',
  hangAfterCommitRate: 'rate',
  malformedRate: 'rate',
  rateLimitRate: 'rate',
  retryAfterSeconds: 'seconds',
  maxConcurrent: 'limit',
};

export const FAULT_KEYS = Object.keys(KINDS) as (keyof Faults)[];

function isFaultKey(key: string): key is keyof Faults {
  return Object.hasOwn(KINDS, key);
}

/** Longest latency the sandbox accepts: 10 minutes. */
export const MAX_MS = 600_000;

/** Why `value` is not a valid setting of `key`, or null when it is. */
export function faultProblem(key: keyof Faults, value: unknown): string | null {
  switch (KINDS[key]) {
    case 'rate':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1
        ? null
        : 'must be a number between 0 and 1';
    case 'milliseconds':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_MS
        ? null
        : `must be an integer between 0 and ${MAX_MS}`;
    case 'seconds':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3600
        ? null
        : 'must be an integer between 0 and 3600';
    case 'limit':
      return value === null ||
        (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1_000_000)
        ? null
        : 'must be null or an integer between 0 and 1000000';
  }
}

export type FaultsPatchResult =
  { ok: true; patch: Partial<Faults> } | { ok: false; problems: string[] };

/** Checks a `PUT /__sandbox/faults` body (or start options): every problem at once. */
export function parseFaultsPatch(body: unknown): FaultsPatchResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: ['body must be a JSON object'] };
  }
  const problems: string[] = [];
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!isFaultKey(key)) {
      problems.push(`unknown key "${key}" (known: ${FAULT_KEYS.join(', ')})`);
      continue;
    }
    const problem = faultProblem(key, value);
    if (problem !== null) problems.push(`${key} ${problem}, got ${JSON.stringify(value)}`);
    else patch[key] = value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, patch: patch };
}
