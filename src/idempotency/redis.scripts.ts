/**
 * The Redis store's Lua scripts, one per operation, so each is atomic across replicas.
 * One Redis hash per record, its fields:
 *   state       'running' | 'partial' | 'done'
 *   hash        the input hash the key was first used with
 *   token       owner token, while running
 *   leaseUntil  ms since epoch by Redis's own clock (TIME), while running; Redis's clock
 *               rather than ours, so replicas with skewed clocks agree on the lease
 *   payload     JSON; partial or final
 * The key's own expiry (PEXPIRE) is the TTL; a running record lives at least its lease.
 * Redis 5 and later replicate scripts by their effects, so calling TIME before writing is allowed.
 */

const NOW_MS = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** KEYS[1] record; ARGV inputHash, token, leaseMs, ttlMs. Returns {status[, payload]}. */
export const CLAIM_LUA = `${NOW_MS}
local leaseMs = tonumber(ARGV[3])
local keepMs = math.max(tonumber(ARGV[4]), leaseMs)
local record = redis.call('HMGET', KEYS[1], 'state', 'hash', 'leaseUntil', 'payload')
local state = record[1]
if not state then
  redis.call('HSET', KEYS[1], 'state', 'running', 'hash', ARGV[1], 'token', ARGV[2],
    'leaseUntil', now + leaseMs)
  redis.call('PEXPIRE', KEYS[1], keepMs)
  return {'CLAIMED'}
end
if record[2] ~= ARGV[1] then return {'INPUT_MISMATCH'} end
if state == 'done' then return {'COMPLETED', record[4]} end
if state == 'running' and tonumber(record[3]) > now then return {'IN_PROGRESS'} end
redis.call('HSET', KEYS[1], 'state', 'running', 'token', ARGV[2], 'leaseUntil', now + leaseMs)
redis.call('PEXPIRE', KEYS[1], keepMs)
return {'CLAIMED', record[4]}
`;

/**
 * Put before COMPLETE_LUA and RELEASE_LUA where Redis reads script flags: then they run on a
 * full Redis too, as a record claimed before it filled must take its answer, else the retry
 * after its lease asks the API again. The overshoot is bounded by the claims in flight; new
 * claims are refused while full.
 */
export const ALLOW_OOM = '#!lua flags=allow-oom\n';

/** KEYS[1] record; ARGV token, payload, final ('1' | '0'), ttlMs. Returns 1 when stored. */
export const COMPLETE_LUA = `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] ~= 'running' or record[2] ~= ARGV[1] then return 0 end
local state = 'partial'
if ARGV[3] == '1' then state = 'done' end
redis.call('HSET', KEYS[1], 'state', state, 'payload', ARGV[2])
redis.call('HDEL', KEYS[1], 'token', 'leaseUntil')
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`;

/** KEYS[1] record; ARGV token. Returns 1 when released. */
export const RELEASE_LUA = `
local record = redis.call('HMGET', KEYS[1], 'state', 'token', 'payload')
if record[1] ~= 'running' or record[2] ~= ARGV[1] then return 0 end
if record[3] then
  redis.call('HSET', KEYS[1], 'state', 'partial')
  redis.call('HDEL', KEYS[1], 'token', 'leaseUntil')
else
  redis.call('DEL', KEYS[1])
end
return 1
`;

/** `redis_version` of an `INFO server` answer; '' when it has none. */
export function redisVersionOf(infoServer: string): string {
  return /^redis_version:(.*)$/m.exec(infoServer)?.[1]?.trim() ?? '';
}

/**
 * Whether a Redis of this version reads script flags (since 7.0). Before, the `#!lua` line is a
 * syntax error and every script carrying it fails, so anything unreadable counts as older.
 */
export function readsScriptFlags(redisVersion: string): boolean {
  const major = /^(\d+)\./.exec(redisVersion)?.[1];
  return major !== undefined && Number(major) >= 7;
}

export interface IdempotencyCommands {
  idempotencyClaim(
    key: string,
    inputHash: string,
    token: string,
    leaseMs: number,
    ttlMs: number,
  ): Promise<[string, string | null | undefined]>;
  idempotencyComplete(
    key: string,
    token: string,
    payload: string,
    final: '1' | '0',
    ttlMs: number,
  ): Promise<number>;
  idempotencyCompleteAllowOom: IdempotencyCommands['idempotencyComplete'];
  idempotencyRelease(key: string, token: string): Promise<number>;
  idempotencyReleaseAllowOom: IdempotencyCommands['idempotencyRelease'];
}
