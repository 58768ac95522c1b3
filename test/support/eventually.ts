/**
 * Waiting in tests: poll a condition, or await an event, always against a deadline, so a
 * slow machine makes a test slower, never wrong, and a hang fails with what it waited for.
 */

export interface EventuallyOptions<T> {
  /** What the test waits for, e.g. 'the first batch to reach the API'; names the failure. */
  describe: string;
  /** The value `check` must return; default: any truthy value. */
  until?: (value: T) => boolean;
  /** Default `10_000` ms. */
  timeoutMs?: number;
  /** Default `10` ms between two checks. */
  intervalMs?: number;
}

/** Calls `check` until its value satisfies `until`, and returns that value. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { describe, until = Boolean, timeoutMs = 10_000, intervalMs = 10 }: EventuallyOptions<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (until(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${describe}; last value ${show(value)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Awaits `promise` (an event), failing after `timeoutMs` with what it waited for. */
export async function within<T>(
  promise: Promise<T>,
  { describe, timeoutMs = 10_000 }: { describe: string; timeoutMs?: number },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
