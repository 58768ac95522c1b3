/** `SANDBOX_*` environment variables → `startSandbox` options; the gateway's config is not read. */
import { FAULT_KEYS, faultProblem, parseFaultsPatch, type Faults } from './faults';
import type { StartSandboxOptions } from './index';

export class SandboxConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'SandboxConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Whole-number settings: option, variable and the accepted range. */
const INTEGERS = [
  ['port', 'SANDBOX_PORT', 0, 65535],
  ['oauthTtlSeconds', 'SANDBOX_OAUTH_TTL_SECONDS', 1, 31_536_000],
  ['maxCallLog', 'SANDBOX_MAX_CALL_LOG', 1, 10_000_000],
  ['maxLedgerEntries', 'SANDBOX_MAX_LEDGER_ENTRIES', 1, 100_000_000],
] as const;

const FAULT_VARIABLES: Record<keyof Faults, string> = {
  latencyMs: 'SANDBOX_LATENCY_MS',
  jitterMs: 'SANDBOX_JITTER_MS',
  status500Rate: 'SANDBOX_STATUS500_RATE',
  resetAfterCommitRate: 'SANDBOX_RESET_AFTER_COMMIT_RATE',
  hangAfterCommitRate: 'SANDBOX_HANG_AFTER_COMMIT_RATE',
  malformedRate: 'SANDBOX_MALFORMED_RATE',
  rateLimitRate: 'SANDBOX_RATE_LIMIT_RATE',
  retryAfterSeconds: 'SANDBOX_RETRY_AFTER_SECONDS',
  maxConcurrent: 'SANDBOX_MAX_CONCURRENT',
};

/** Unset or blank variables are left out, so `startSandbox`'s defaults apply; throws naming the variable. */
export function sandboxOptionsFromEnv(env: Env): StartSandboxOptions {
  const options: StartSandboxOptions = {};
  const valueOf = (variable: string): string | undefined => env[variable]?.trim() || undefined;

  for (const [option, variable, min, max] of INTEGERS) {
    const raw = valueOf(variable);
    if (raw === undefined) continue;
    if (!/^\d+$/.test(raw))
      throw new SandboxConfigError(variable, `must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) {
      throw new SandboxConfigError(variable, `must be between ${min} and ${max}, got ${value}`);
    }
    options[option] = value;
  }
  const host = valueOf('SANDBOX_HOST');
  if (host !== undefined) options.host = host;

  const faults: Record<string, number | null> = {};
  for (const key of FAULT_KEYS) {
    const variable = FAULT_VARIABLES[key];
    const raw = valueOf(variable);
    if (raw === undefined) continue;
    const value = key === 'maxConcurrent' && raw.toLowerCase() === 'null' ? null : Number(raw);
    const problem = faultProblem(key, value);
    if (problem !== null) throw new SandboxConfigError(variable, `${problem}, got "${raw}"`);
    faults[key] = value;
  }
  // Each value was checked above, naming its variable; this only types the patch.
  const patch = parseFaultsPatch(faults);
  if (patch.ok && Object.keys(patch.patch).length > 0) options.faults = patch.patch;
  return options;
}
