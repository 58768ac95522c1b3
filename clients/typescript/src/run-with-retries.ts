/**
 * The retry discipline, written once for every operation: send, look at the answer, and
 * send the same request again (same variables, so the same idempotencyKey) while the
 * answer says a retry may succeed, the deadline allows the wait, and attempts remain.
 */
import { GatewayRequestError, GatewayUnreachableError } from './errors';
import { backoffMs, retryWaitOf, type RetryPolicy } from './retry-policy';
import type { AttemptResult } from './transport';

export interface RetryEvent {
  /** The attempt that just ended, from 1. */
  attempt: number;
  /** The wait before the next one: the backoff, or longer when the answer asked for it. */
  delayMs: number;
  /** `payload`: the answer held retryable errors; `unreachable`: no answer could be read. */
  reason: 'payload' | 'unreachable';
}

export interface RunOptions<TData> {
  /** Sends the request once; aborted with `signal` when the deadline passes. */
  attempt: (signal: AbortSignal) => Promise<AttemptResult<TData>>;
  /** The part of the answer whose `retryable` errors decide: the operation's payload. */
  payloadOf: (data: TData) => unknown;
  /** Epoch ms after which no attempt starts and no answer is awaited. */
  deadline: number;
  policy: RetryPolicy;
  signal?: AbortSignal;
  idempotencyKey: string | null;
  onRetry?: (event: RetryEvent) => void;
  random?: () => number;
}

export interface Settled<TData> {
  data: TData;
  /** Requests sent, the first included. */
  attempts: number;
  /**
   * False when the answer still holds retryable errors (the deadline or the attempts ran
   * out first): sending it again later, with the same idempotencyKey, may finish it.
   */
  settled: boolean;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runWithRetries<TData>(options: RunOptions<TData>): Promise<Settled<TData>> {
  const { policy, deadline, random = Math.random } = options;
  const remaining = () => Math.max(0, deadline - Date.now());
  const deadlineSignal = AbortSignal.timeout(Math.max(1, remaining()));
  const signal = options.signal
    ? AbortSignal.any([options.signal, deadlineSignal])
    : deadlineSignal;
  let last: TData | undefined;
  let lastCause = 'the deadline passed before the first attempt';
  let attempts = 0;
  while (attempts < policy.maxAttempts && !signal.aborted) {
    attempts++;
    const answer = await options.attempt(signal);
    let wait: number;
    if (answer.kind === 'refused') throw new GatewayRequestError(answer.status, answer.errors);
    if (answer.kind === 'data') {
      last = answer.data;
      const asked = retryWaitOf(options.payloadOf(answer.data));
      if (asked === null) return { data: answer.data, attempts, settled: true };
      wait = asked;
    } else {
      lastCause = answer.cause;
      wait = 0;
    }
    const delayMs = Math.max(wait, backoffMs(attempts, policy, random));
    // A retry that could only start after the deadline is not worth its wait.
    if (attempts === policy.maxAttempts || delayMs >= remaining()) break;
    options.onRetry?.({
      attempt: attempts,
      delayMs,
      reason: answer.kind === 'data' ? 'payload' : 'unreachable',
    });
    await sleep(delayMs, signal);
  }
  return finish(attempts);

  function finish(attempts: number): Settled<TData> {
    if (last === undefined) {
      throw new GatewayUnreachableError(attempts, lastCause, options.idempotencyKey);
    }
    return { data: last, attempts, settled: false };
  }
}
