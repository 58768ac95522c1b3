/**
 * Helpers of the fault tests: enrol mutations and the sandbox's call listeners.
 */
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
