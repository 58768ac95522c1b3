import { readsScriptFlags, redisVersionOf } from '../../src/idempotency/redis.scripts';

/** The start of an `INFO server` answer, as a server sends it (CRLF lines). */
function infoServer(...fields: string[]): string {
  return ['# Server', ...fields, 'redis_mode:standalone', ''].join('\r\n');
}

describe('readsScriptFlags', () => {
  it.each([
    ['7.0.15', true],
    ['7.2.4', true],
    ['8.0.2', true],
    ['255.255.255', true], // a build of Redis's unstable branch
    ['6.2.14', false],
    ['6.0.20', false],
    ['5.0.14', false],
    ['', false],
    ['garbage', false],
  ])('says %p reads script flags: %p', (version, expected) => {
    expect(readsScriptFlags(version)).toBe(expected);
  });
});

describe('redisVersionOf', () => {
  it('reads redis_version of Redis 7', () => {
    expect(redisVersionOf(infoServer('redis_version:7.0.15', 'redis_git_sha1:00000000'))).toBe(
      '7.0.15',
    );
  });

  it('reads the Redis version Valkey says it is compatible with (7.2.4, which reads flags)', () => {
    const info = infoServer('redis_version:7.2.4', 'server_name:valkey', 'valkey_version:8.0.1');
    expect(readsScriptFlags(redisVersionOf(info))).toBe(true);
  });

  it('takes Dragonfly for Redis 6: it reports 6.2.11 and refuses the allow-oom flag', () => {
    const info = infoServer('redis_version:6.2.11', 'dragonfly_version:df-v1.14.0');
    expect(redisVersionOf(info)).toBe('6.2.11');
    expect(readsScriptFlags(redisVersionOf(info))).toBe(false);
  });

  it('takes KeyDB, which reports its own 6.x version as redis_version, for Redis 6', () => {
    expect(readsScriptFlags(redisVersionOf(infoServer('redis_version:6.3.4')))).toBe(false);
  });

  it("answers '' for an answer without redis_version, which then gets the plain scripts", () => {
    expect(redisVersionOf(infoServer('uptime_in_seconds:12'))).toBe('');
    expect(redisVersionOf('')).toBe('');
    expect(readsScriptFlags(redisVersionOf(''))).toBe(false);
  });
});
