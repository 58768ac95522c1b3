/**
 * Helpers of the fault tests: enrol and revoke mutations, and the sandbox's call listeners.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  DEFAULT_FAULTS,
  DEMO_CREDENTIALS,
  demoCustomers,
  type CallRecord,
  type LedgerEntry,
  type RunningSandbox,
} from '../../src/sandbox';
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  RevokeEarningsDocument,
  RevokeEnrolmentsDocument,
  type EarnPromotionMutation,
  type EnrolCustomersMutation,
  type EnrolCustomersMutationVariables,
  type RevokeEarningsMutation,
  type RevokeEnrolmentsMutation,
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

/** The payload of any of the mutations the fault suites run, as the tests read it. */
export type MutationPayload =
  EnrolPayload | EarnPayload | RevokeEnrolmentsPayload | RevokeEarningsPayload;
type EarnPayload = EarnPromotionMutation['earnPromotion'];
type RevokeEnrolmentsPayload = RevokeEnrolmentsMutation['revokeEnrolments'];
type RevokeEarningsPayload = RevokeEarningsMutation['revokeEarnings'];
export type MutationResult = Extract<
  MutationPayload,
  {
    __typename:
      | 'EnrolCustomersResult'
      | 'EarnPromotionResult'
      | 'RevokeEnrolmentsResult'
      | 'RevokeEarningsResult';
  }
>;
export type MutationOutcome = MutationResult['results'][number]['outcome'];

export interface MutationOptions {
  idempotencyKey?: string;
}

/**
 * One mutation the fault suites run (`describe.each(MUTATION_KINDS)`): enrolCustomers and
 * the two revocations go through one pipeline, so they must withstand the same faults.
 */
export interface MutationKind {
  name: 'enrolCustomers' | 'revokeEnrolments' | 'revokeEarnings';
  /** Its bulkAction, as the API's call log and ledger name it. */
  action: 'ENROL' | 'REVOKE_ENROL' | 'REVOKE_EARN';
  /** The outcome type of a customer it did. */
  success: 'Enrolment' | 'EnrolmentRevocation' | 'EarningRevocation';
  /** The outcome type of a customer whose work an earlier call did already. */
  doneAlready: 'Enrolment' | 'IssueFailedError' | 'EarningNotRevocableError';
  /**
   * Makes the mutation possible for `ids` (enrolled, and earned for revokeEarnings),
   * straight at the sandbox with its faults off, so the gateway sees nothing of it.
   */
  prepare(sandbox: RunningSandbox, ids: readonly string[]): Promise<void>;
  run(url: string, ids: readonly string[], options?: MutationOptions): Promise<MutationPayload>;
  /** The id a success names, to hold against `ledgerIdOf` of the API's entry for it. */
  idOf(outcome: MutationOutcome): string | undefined;
  ledgerIdOf(entry: LedgerEntry): string | null;
}

const ENROL_AND_EARN = '/v2/promotion/bulk/enrolAndEarn';

/** Does `bulkAction` for `ids` on promotion 57099 at the sandbox itself, faults off. */
export async function doAtSandbox(
  sandbox: RunningSandbox,
  bulkAction: 'ENROL' | 'EARN',
  ids: readonly string[],
): Promise<void> {
  const faults = sandbox.faults();
  sandbox.setFaults(DEFAULT_FAULTS);
  try {
    for (let from = 0; from < ids.length; from += 100) {
      const response = await fetch(`${sandbox.url}${ENROL_AND_EARN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...demoAuth },
        body: JSON.stringify({
          type: 'CUSTOMER',
          bulkAction,
          promotionDetails: { programId: 469, promotionId: 57099 },
          identifierName: 'id',
          customers: ids
            .slice(from, from + 100)
            .map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
        }),
      });
      if (response.status !== 200)
        throw new Error(`${bulkAction} failed: ${await response.text()}`);
    }
  } finally {
    sandbox.setFaults(faults);
  }
}

async function payloadOf<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  field: keyof TData,
): Promise<MutationPayload> {
  const { status, body } = await execute(url, document, variables, demoAuth);
  const payload = body.data?.[field] as MutationPayload | undefined;
  if (status !== 200 || payload === undefined) {
    throw new Error(`expected a payload, got HTTP ${status}: ${JSON.stringify(body)}`);
  }
  return payload;
}

/** One earnPromotion mutation (EARN into 57099 by customer id) over HTTP; its payload. */
export function earn(
  url: string,
  ids: readonly string[],
  options: MutationOptions = {},
): Promise<MutationPayload> {
  return payloadOf(
    url,
    EarnPromotionDocument,
    { input: enrolInput(ids, options) },
    'earnPromotion',
  );
}

export const MUTATION_KINDS: MutationKind[] = [
  {
    name: 'enrolCustomers',
    action: 'ENROL',
    success: 'Enrolment',
    doneAlready: 'Enrolment',
    prepare: async () => undefined,
    run: (url, ids, options = {}) => enrol(url, ids, options),
    idOf: (outcome) => (outcome.__typename === 'Enrolment' ? outcome.issualId : undefined),
    ledgerIdOf: (entry) => entry.issualId,
  },
  {
    name: 'revokeEnrolments',
    action: 'REVOKE_ENROL',
    success: 'EnrolmentRevocation',
    doneAlready: 'IssueFailedError',
    prepare: (sandbox, ids) => doAtSandbox(sandbox, 'ENROL', ids),
    run: (url, ids, options = {}) =>
      payloadOf(
        url,
        RevokeEnrolmentsDocument,
        { input: enrolInput(ids, options) },
        'revokeEnrolments',
      ),
    idOf: (outcome) =>
      outcome.__typename === 'EnrolmentRevocation' ? outcome.revokedIssualId : undefined,
    ledgerIdOf: (entry) => entry.issualId,
  },
  {
    name: 'revokeEarnings',
    action: 'REVOKE_EARN',
    success: 'EarningRevocation',
    doneAlready: 'EarningNotRevocableError',
    prepare: async (sandbox, ids) => {
      await doAtSandbox(sandbox, 'ENROL', ids);
      await doAtSandbox(sandbox, 'EARN', ids);
    },
    run: (url, ids, options = {}) =>
      payloadOf(url, RevokeEarningsDocument, { input: enrolInput(ids, options) }, 'revokeEarnings'),
    idOf: (outcome) =>
      outcome.__typename === 'EarningRevocation' ? outcome.revokedEarnedIds[0] : undefined,
    ledgerIdOf: (entry) => entry.earnedId,
  },
];

/** The calls of `kind`'s action the sandbox received, without those of `prepare`. */
export function callsOf(kind: MutationKind, sandbox: RunningSandbox): CallRecord[] {
  return sandbox
    .calls()
    .filter((call) => (call.body as { bulkAction?: unknown } | null)?.bulkAction === kind.action);
}

/** The ledger's entries of `kind`'s action, without those of `prepare`. */
export function ledgerOf(kind: MutationKind, sandbox: RunningSandbox): LedgerEntry[] {
  return sandbox.ledger().filter((entry) => entry.action === kind.action);
}

export function asMutationResult(payload: MutationPayload): MutationResult {
  if (!payload.__typename.endsWith('Result')) {
    throw new Error(`expected a Result, got ${JSON.stringify(payload)}`);
  }
  return payload as MutationResult;
}

export function mutationOutcomeTypes(payload: MutationPayload): string[] {
  return asMutationResult(payload).results.map((r) => r.outcome.__typename);
}
