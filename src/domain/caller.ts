import { createHash } from 'node:crypto';
import type { Credentials } from './promotion';

/** Enough for every live caller of a busy gateway; past it the memo starts over. */
const MAX_REMEMBERED_CALLERS = 10_000;
const callerIds = new Map<string, string>();

/**
 * Who called, as a sha256 of the credential headers exactly as they came: batches and
 * idempotency records are scoped by it, and it holds no secret. Memoised, because every
 * customer of every mutation needs it and hashing was a visible share of the hot path.
 */
export function callerIdOf(credentials: Credentials): string {
  let id = idOfCredentials.get(credentials);
  if (id === undefined) {
    id = callerIdOfHeaders(credentials);
    idOfCredentials.set(credentials, id);
  }
  return id;
}

/** One request's credentials object is asked for its caller id once per customer. */
const idOfCredentials = new WeakMap<Credentials, string>();

function callerIdOfHeaders(credentials: Credentials): string {
  // Unambiguous: a header value holds no NUL, and an absent header is told from an empty one.
  const raw = `${headerPart(credentials.authorization)}\u0000${headerPart(credentials.oauthToken)}`;
  let id = callerIds.get(raw);
  if (id === undefined) {
    id = createHash('sha256').update(raw).digest('hex');
    if (callerIds.size >= MAX_REMEMBERED_CALLERS) callerIds.clear();
    callerIds.set(raw, id);
  }
  return id;
}

function headerPart(value: string | undefined): string {
  return value === undefined ? '-' : `=${value}`;
}
