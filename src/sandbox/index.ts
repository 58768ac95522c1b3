/**
 * The emulated promotion API (DESIGN §5): `startSandbox()` runs it on its own port.
 * Used by `npm start` when PROMOTION_API_URL is unset, by tests and by benchmarks.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_DATA, type DemoData } from './demo-catalog';
import { DEFAULT_FAULTS, parseFaultsPatch, type Faults } from './faults';
import type { CallRecord, LedgerEntry, ReadCallRecord } from './records';
import { requestHandler } from './router';
import { SandboxState } from './sandbox-state';

export {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  DEMO_READONLY_CREDENTIALS,
  SANDBOX_CREDENTIALS,
  basicAuthorization,
  demoCustomers,
} from './demo-catalog';
export type { DemoCustomer, SandboxCredential } from './demo-catalog';
export { DEFAULT_FAULTS } from './faults';
export { SandboxConfigError, sandboxOptionsFromEnv } from './env';
export type { Faults } from './faults';
export { credentialHashOf } from './credentials';
export type { CallFault, CallRecord, LedgerEntry, ReadCallRecord } from './records';
export { ENROL_AND_EARN_PATH, OAUTH_TOKEN_PATH, REVOKE_ENROL_AND_EARN_PATH } from './router';
export { PROMOTION_DATA_PATH } from './read-endpoints';
export { OPENAPI_PATH } from './openapi';
export type { DemoData, PromotionConfig, PromotionDetails } from './demo-catalog';
export { DEMO_DATA } from './demo-catalog';

export interface StartSandboxOptions {
  /** Default `0` (any free port). */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `DEFAULT_FAULTS` (none). Also the values `POST /__sandbox/reset` goes back to. */
  faults?: Partial<Faults>;
  /** Default `300` s. Lifetime of OAuth tokens. */
  oauthTtlSeconds?: number;
  /** Default `Date.now`. Clock for token expiry and record times. */
  now?: () => number;
  /** Default `Math.random`. Draws of the fault rates and of jitter, in [0, 1). */
  random?: () => number;
  /** Default `10000`. Calls kept by `GET /__sandbox/calls`; the oldest are dropped. */
  maxCallLog?: number;
  /** Default `200000` (about 100 MB). Entries kept by `GET /__sandbox/ledger`; the oldest are dropped and counted. */
  maxLedgerEntries?: number;
  /** Default: the seeded `demo-data.json`. */
  data?: DemoData;
}

export interface RunningSandbox {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  port: number;
  host: string;
  /** Stops listening, destroys every open socket (hung calls included) and pending timers. */
  close(): Promise<void>;
  faults(): Faults;
  /** Throws on an invalid patch, as `PUT /__sandbox/faults` answers 400. */
  setFaults(patch: Partial<Faults>): Faults;
  reset(): void;
  ledger(): LedgerEntry[];
  calls(): CallRecord[];
  /** Calls of the read endpoints (customer lookup, get-by-id), oldest first. */
  readCalls(): ReadCallRecord[];
  /** Listener runs when a bulk call (enrolAndEarn, revokeEnrolAndEarn) is admitted (in flight) or refused as overloaded. */
  onCallReceived(listener: (call: CallRecord) => void): () => void;
  /** Listener runs when a call's fate is sealed: answered, reset, or hanging after its work. */
  onCallSettled(listener: (call: CallRecord) => void): () => void;
}

export const DEFAULT_SANDBOX_PORT = 4010;

function checkedFaults(patch: Partial<Faults> | undefined): Partial<Faults> {
  const parsed = parseFaultsPatch(patch ?? {});
  if (!parsed.ok) throw new RangeError(`invalid sandbox faults: ${parsed.problems.join('; ')}`);
  return parsed.patch;
}

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const oauthTtlSeconds = options.oauthTtlSeconds ?? 300;
  if (!Number.isInteger(oauthTtlSeconds) || oauthTtlSeconds < 1) {
    throw new RangeError(`oauthTtlSeconds must be a positive integer, got ${oauthTtlSeconds}`);
  }
  const state = new SandboxState({
    data: options.data ?? DEMO_DATA,
    faults: { ...DEFAULT_FAULTS, ...checkedFaults(options.faults) },
    oauthTtlSeconds,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    maxCallLog: options.maxCallLog ?? 10_000,
    maxLedgerEntries: options.maxLedgerEntries ?? 200_000,
  });
  const server = createServer({ keepAliveTimeout: 5000 }, requestHandler(state));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        state.shutdown();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
    faults: () => state.faults,
    setFaults: (patch) => state.setFaults(checkedFaults(patch)),
    reset: () => state.reset(),
    ledger: () => state.ledgerEntries().entries,
    calls: () => state.callRecords().calls,
    readCalls: () => state.readCalls.toArray(),
    onCallReceived: (listener) => state.onCallReceived(listener),
    onCallSettled: (listener) => state.onCallSettled(listener),
  };
}
