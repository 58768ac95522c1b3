/**
 * Helpers of the fault tests: enrol mutations, awaiting the sandbox's call listeners,
 * and a gateway started as a real OS process (`node src/main.ts`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import {
  DEMO_CREDENTIALS,
  demoCustomers,
  type CallRecord,
  type LedgerEntry,
  type RunningSandbox,
} from '../../src/sandbox';
import {
  EnrolCustomersDocument,
  type EnrolCustomersMutation,
  type EnrolCustomersMutationVariables,
} from '../generated/graphql';
import { within } from '../support/eventually';
import { execute } from '../support/stack';

export const demoAuth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
/** 2,002 distinct customers of org demo (program 469). */
export const demo = demoCustomers('demo');

/**
 * Gateway settings for idempotency records in the real Redis (CI runs one too). Keys
 * are fresh UUIDs per test, and the shared Redis forgets them soon after the run.
 */
export const REDIS_ENV = {
  REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  IDEMPOTENCY_TTL_SECONDS: '300',
};

export type EnrolInput = EnrolCustomersMutationVariables['input'];
export type EnrolPayload = EnrolCustomersMutation['enrolCustomers'];
export type EnrolResult = Extract<EnrolPayload, { __typename: 'EnrolCustomersResult' }>;
export type EnrolOutcome = EnrolResult['results'][number]['outcome'];

/** ENROL into 57099 (Enrol-and-Issue) by customer id. */
export function enrolInput(
  ids: readonly string[],
  options: { idempotencyKey?: string; promotionId?: number } = {},
): EnrolInput {
  return {
    promotion: { programId: 469, promotionId: options.promotionId ?? 57099 },
    identifierName: 'ID',
    customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
  };
}

/** One enrolCustomers mutation over HTTP; its payload (a top-level error fails the test). */
export async function enrol(
  url: string,
  ids: readonly string[],
  options: { idempotencyKey?: string; promotionId?: number } = {},
): Promise<EnrolPayload> {
  const { status, body } = await execute(
    url,
    EnrolCustomersDocument,
    { input: enrolInput(ids, options) },
    demoAuth,
  );
  const payload = body.data?.enrolCustomers;
  if (status !== 200 || payload === undefined) {
    throw new Error(`expected a payload, got HTTP ${status}: ${JSON.stringify(body)}`);
  }
  return payload;
}

export function asResult(payload: EnrolPayload): EnrolResult {
  if (payload.__typename !== 'EnrolCustomersResult') {
    throw new Error(`expected EnrolCustomersResult, got ${JSON.stringify(payload)}`);
  }
  return payload;
}

export function outcomeTypes(payload: EnrolPayload): string[] {
  return asResult(payload).results.map((r) => r.outcome.__typename);
}

/** The customer ids (as strings) of the ledger, in ledger order. */
export function ledgerEntityIds(entries: readonly LedgerEntry[]): string[] {
  return entries.map((e) => String(e.entityId));
}

/** identifierValues of an API call's body. */
export function customersOf(call: CallRecord): string[] {
  return (call.body as { customers: { identifierValue: string }[] }).customers.map(
    (c) => c.identifierValue,
  );
}

/** Resolves with the first call the sandbox reports (`received` or `settled`) that matches. */
export function nextCall(
  sandbox: RunningSandbox,
  event: 'received' | 'settled',
  matches: (call: CallRecord) => boolean = () => true,
): Promise<CallRecord> {
  return new Promise((resolve) => {
    const subscribe = event === 'received' ? sandbox.onCallReceived : sandbox.onCallSettled;
    const stop = subscribe((call) => {
      if (!matches(call)) return;
      stop();
      resolve(call);
    });
  });
}

/** A full garbage collection, without starting node with --expose-gc. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

// ---------------------------------------------------------------------------------
// The gateway as a real process
// ---------------------------------------------------------------------------------

const REPO_ROOT = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  /** e.g. http://127.0.0.1:41234/graphql */
  url: string;
  child: ChildProcess;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Lines of its JSON log (pino) so far. */
  logLines(): Record<string, unknown>[];
  /** SIGTERM (then SIGKILL after 15 s) unless it already exited. */
  stop(): Promise<void>;
}

/**
 * Starts `node src/main.ts` (through ts-node, transpile only) with exactly the given
 * environment plus PATH — not jest's: jest sets NODE_ENV=test, and the gateway must
 * run as it runs in production. Resolves once it printed the URL it serves.
 */
export async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const served = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /serving GraphQL at (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (url !== undefined) resolve(url);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then(() => reject(new Error('exited')));
  });

  let servedUrl: string;
  try {
    servedUrl = await within(served, { describe: 'the URL it serves', timeoutMs: 60_000 });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`the gateway process did not start (${String(error)}):\n${output}`);
  }
  return {
    url: servedUrl,
    child,
    exited,
    output: () => output,
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
