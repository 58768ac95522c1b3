import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Credentials } from './promotion';

/** Default `1,000` callers: the live callers of a busy gateway; the least recent goes first. */
const MAX_REMEMBERED_CALLERS = 1_000;
/** Default `4,096` characters: longer credential headers are hashed every time. */
const MAX_REMEMBERED_KEY_LENGTH = 4_096;

const callerIds = new LRUCache<string, string>({ max: MAX_REMEMBERED_CALLERS });

/**
 * Who called, as a sha256 of the credential headers exactly as they came: batches and
 * idempotency records are scoped by it, and it holds no secret. Memoised, because every
 * mutation needs it and hashing was a visible share of the hot path.
 */
export function callerIdOf(credentials: Credentials): string {
  // Unambiguous (a header value holds no NUL; absent is told from empty) and cheaper to
  // build than the hashed text below.
  const key = `${headerPart(credentials.authorization)}\u0000${headerPart(credentials.oauthToken)}`;
  if (key.length > MAX_REMEMBERED_KEY_LENGTH) return hashOf(credentials);
  let id = callerIds.get(key);
  if (id === undefined) {
    id = hashOf(credentials);
    callerIds.set(key, id);
  }
  return id;
}

/**
 * The caller id itself. Its input must never change: idempotency records (in Redis, for a
 * day, shared by every replica) are found by it across a rolling deploy.
 */
function hashOf(credentials: Credentials): string {
  const hashed = JSON.stringify([
    credentials.authorization ?? null,
    credentials.oauthToken ?? null,
  ]);
  return createHash('sha256').update(hashed).digest('hex');
}

function headerPart(value: string | undefined): string {
  return value === undefined ? '-' : `=${value}`;
}
