/** SANDBOX_* environment variables → start options. */
import { SandboxConfigError, sandboxOptionsFromEnv } from './sandbox-api';

describe('sandboxOptionsFromEnv', () => {
  it('reads every fault knob, the port, host, token ttl and log sizes', () => {
    expect(
      sandboxOptionsFromEnv({
        SANDBOX_PORT: '4999',
        SANDBOX_HOST: '0.0.0.0',
        SANDBOX_OAUTH_TTL_SECONDS: '60',
        SANDBOX_MAX_CALL_LOG: '500',
        SANDBOX_MAX_LEDGER_ENTRIES: '9000',
        SANDBOX_LATENCY_MS: '20',
        SANDBOX_JITTER_MS: '5',
        SANDBOX_STATUS500_RATE: '0.1',
        SANDBOX_RESET_AFTER_COMMIT_RATE: '0.2',
        SANDBOX_HANG_AFTER_COMMIT_RATE: '0.3',
        SANDBOX_MALFORMED_RATE: '0.4',
        SANDBOX_RATE_LIMIT_RATE: '0.5',
        SANDBOX_RETRY_AFTER_SECONDS: '3',
        SANDBOX_MAX_CONCURRENT: '8',
      }),
    ).toEqual({
      port: 4999,
      host: '0.0.0.0',
      oauthTtlSeconds: 60,
      maxCallLog: 500,
      maxLedgerEntries: 9000,
      faults: {
        latencyMs: 20,
        jitterMs: 5,
        status500Rate: 0.1,
        resetAfterCommitRate: 0.2,
        hangAfterCommitRate: 0.3,
        malformedRate: 0.4,
        rateLimitRate: 0.5,
        retryAfterSeconds: 3,
        maxConcurrent: 8,
      },
    });
  });

  it('leaves out what is unset or blank, so the defaults apply', () => {
    expect(sandboxOptionsFromEnv({ SANDBOX_LATENCY_MS: ' ', PATH: '/bin' })).toEqual({});
  });

  it.each([
    ['SANDBOX_STATUS500_RATE', '1.5'],
    ['SANDBOX_LATENCY_MS', 'fast'],
    ['SANDBOX_MAX_CONCURRENT', '-1'],
    ['SANDBOX_PORT', '70000'],
    ['SANDBOX_OAUTH_TTL_SECONDS', '0'],
  ])('refuses %s=%s with an error naming the variable', (variable, value) => {
    const read = () => sandboxOptionsFromEnv({ [variable]: value });
    expect(read).toThrow(SandboxConfigError);
    expect(read).toThrow(variable);
  });
});
