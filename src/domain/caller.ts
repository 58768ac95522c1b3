import { createHash } from 'node:crypto';
import { BoundedMemo } from '../graphql/document-cache';
import type { Credentials } from './promotion';

/**
 * Enough for the live callers of a busy gateway; longer credential headers are hashed
 * every time, so the memo stays a few MB at most.
 */
const callerIds = new BoundedMemo<string>(1_000, 4_096);

/**
 * Who called, as a sha256 of the credential headers exactly as they came: batches and
 * idempotency records are scoped by it, and it holds no secret. Memoised, because every
 * mutation needs it and hashing was a visible share of the hot path.
 */
export function callerIdOf(credentials: Credentials): string {
  // The memo's key: unambiguous (a header value holds no NUL, and an absent header is told
  // from an empty one) and cheaper to build than the hashed text below.
  const key = `${headerPart(credentials.authorization)}\u0000${headerPart(credentials.oauthToken)}`;
  let id = callerIds.get(key);
  if (id === undefined) {
    id = hashOf(credentials);
    callerIds.set(key, id);
  }
  return id;
}

/**
 * The caller id itself. Its input must never change: idempotency records (in Redis, for a
 * day, shared by every replica) are found by it, so a new spelling would let a retry that
 * reaches an upgraded replica miss its record and be sent again.
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
