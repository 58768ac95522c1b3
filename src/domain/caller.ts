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
  /** `fairnessAccountsOf`: what its bounds count under. */
  accounts: readonly string[];
}

export function callerOf(credentials: Credentials): Caller {
  return { id: callerIdOf(credentials), accounts: fairnessAccountsOf(credentials) };
}

const accounts = new LRUCache<string, readonly string[]>({ max: MAX_REMEMBERED_CALLERS });

/**
 * What fairness bounds count a caller's work under (DESIGN.md §9 "Fairness"): one account
 * per credential carried, in a canonical spelling. The API accepts one credential spelled
 * many ways (`basic`, extra spaces, hex case, a junk OAuth header beside a valid Basic one),
 * and each spelling is a caller of its own (`callerIdOf`, which must stay exact: calls,
 * shared reads and idempotency records never mix spellings); counted under every account it
 * carries, a tenant's spellings share its one bound. Spellings merge only when equal once
 * canonical, so nobody can count against another's account without its secret.
 */
export function fairnessAccountsOf(credentials: Credentials): readonly string[] {
  return memoised(accounts, credentials, accountsOf);
}

function accountsOf({ authorization, oauthToken }: Credentials): readonly string[] {
  const canonical: string[] = [];
  if (authorization !== undefined)
    canonical.push(`authorization\n${canonicalAuthorization(authorization)}`);
  if (oauthToken !== undefined) canonical.push(`oauth\n${oauthToken.trim().toLowerCase()}`);
  if (canonical.length === 0) canonical.push('none');
  // Hashed: the maps that count by account hold no secret.
  return canonical.map((text) => createHash('sha256').update(text).digest('hex'));
}

/** Basic as its decoded `user:secret`, any other scheme as its words; case folded either way. */
function canonicalAuthorization(value: string): string {
  const basic = /^basic\s+(\S+)\s*$/i.exec(value.trim());
  if (basic?.[1] !== undefined) {
    return `basic ${Buffer.from(basic[1], 'base64').toString('utf8').toLowerCase()}`;
  }
  return value.trim().split(/\s+/).join(' ').toLowerCase();
}

function headerPart(value: string | undefined): string {
  return value === undefined ? '-' : `=${value}`;
}
