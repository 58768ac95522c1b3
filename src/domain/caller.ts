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
  return memoised(callerIds, credentials, hashOf);
}

/** `compute(credentials)`, remembered in `memo` by the headers as they came. */
function memoised<T extends object | string>(
  memo: LRUCache<string, T>,
  credentials: Credentials,
  compute: (credentials: Credentials) => T,
): T {
  // Unambiguous (a header value holds no NUL; absent is told from empty) and cheaper to
  // build than any hashed text.
  const key = `${headerPart(credentials.authorization)}\u0000${headerPart(credentials.oauthToken)}`;
  if (key.length > MAX_REMEMBERED_KEY_LENGTH) return compute(credentials);
  let value = memo.get(key);
  if (value === undefined) {
    value = compute(credentials);
    memo.set(key, value);
  }
  return value;
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

/** A caller as the fairness bounds and the sharing of reads see it. */
export interface Caller {
  /** `callerIdOf`: the exact credentials, what may share a call. */
  id: string;
  /** `fairnessAccountOf`: what its bounds count under. */
  account: string;
}

export function callerOf(credentials: Credentials): Caller {
  return { id: callerIdOf(credentials), account: fairnessAccountOf(credentials) };
}

const accounts = new LRUCache<string, string>({ max: MAX_REMEMBERED_CALLERS });

/**
 * What fairness bounds count a caller's work under (DESIGN.md §9 "Fairness"): its
 * credentials in a canonical spelling. The API accepts one credential spelled several ways
 * (`basic`, extra spaces, the hex of the password's md5 in either case), each a caller of
 * its own (`callerIdOf`, which must stay exact: calls, shared reads and idempotency
 * records never mix spellings); under one account, a tenant's spellings share one bound.
 * Both headers make one account, never one each: a header the API ignores holds no
 * secret, and an account of its own would be shared with whoever sends the same junk.
 */
export function fairnessAccountOf(credentials: Credentials): string {
  return memoised(accounts, credentials, accountOf);
}

function accountOf({ authorization, oauthToken }: Credentials): string {
  const canonical = JSON.stringify([
    authorization === undefined ? null : canonicalAuthorization(authorization),
    oauthToken?.trim() ?? null,
  ]);
  // Hashed: the maps that count by account hold no secret.
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * Basic as its decoded user (exact) and secret (ASCII case folded: it is a hex md5), bytes in
 * hex so that no two byte strings meet; another scheme as its lower-cased name and its token.
 */
function canonicalAuthorization(value: string): string {
  const [scheme = '', ...rest] = value.trim().split(/\s+/);
  const token = rest.join(' ');
  if (scheme.toLowerCase() !== 'basic' || rest.length !== 1)
    return `${scheme.toLowerCase()} ${token}`;
  const decoded = Buffer.from(token, 'base64');
  const colon = decoded.indexOf(':');
  if (colon < 0) return `basic ${decoded.toString('hex')}`;
  const secret = decoded
    .subarray(colon + 1)
    .toString('latin1')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
  return `basic ${decoded.subarray(0, colon).toString('hex')}:${Buffer.from(secret, 'latin1').toString('hex')}`;
}

function headerPart(value: string | undefined): string {
  return value === undefined ? '-' : `=${value}`;
}
