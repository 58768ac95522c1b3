/**
 * Reconciliation under chaos: 2,002 customers in 200 concurrent mutations with
 * idempotency keys, an API that is slow by a random amount and fails 5% of its calls
 * (reads too) in each of three ways (500 without envelope, reset after doing the work,
 * 429), and clients that retry what the gateway calls retryable, with the same key.
 * Afterwards the answers are checked against the sandbox's ledger and call log: nothing
 * lost, and nothing done twice — a retry after an unknown outcome looks the customer up
 * and reports the cut call's work instead of sending it again (DESIGN §8).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallFault } from '../../src/sandbox';
import { startStack, type Stack } from '../support/stack';
import { REDIS_ENV, demo, enrol, type EnrolOutcome, type EnrolPayload } from './support';

const MUTATIONS = 200;
const MAX_RETRIES = 10;
/** Faults after which the API did the work and the gateway could not know it. */
const CUT_AFTER_COMMIT: ReadonlySet<CallFault> = new Set([
  'resetAfterCommit',
  'hangAfterCommit',
  'malformed',
]);

interface Caller {
  key: string;
  customers: string[];
  answers: EnrolPayload[];
}

/** The outcome each customer of a payload got: its own, or the payload's error for all. */
function outcomesOf(payload: EnrolPayload, customers: readonly string[]): EnrolOutcome[] {
  if (payload.__typename === 'EnrolCustomersResult') {
    expect(payload.results.map((r) => r.identifierValue)).toEqual(customers);
    return payload.results.map((r) => r.outcome);
  }
  return customers.map(() => payload as EnrolOutcome);
}

function isRetryable(outcome: EnrolOutcome): boolean {
  return 'retryable' in outcome && outcome.retryable === true;
}

function anyRetryable(payload: EnrolPayload, customers: readonly string[]): boolean {
  return outcomesOf(payload, customers).some(isRetryable);
}

/** What a careful client waits before it asks again. */
function backoffMs(payload: EnrolPayload): number {
  if (payload.__typename === 'RateLimitedError' && payload.retryAfterSeconds) {
    return payload.retryAfterSeconds * 1000;
  }
  return 100 + Math.random() * 200;
}

describe.each([
  ['the in-memory store', {}],
  ['Redis', REDIS_ENV],
])(
  'reconciliation under chaos, idempotency records in %s',
  (store, storeEnv: Record<string, string>) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStack(
        // Calls of 10 customers: some 250 calls, so that each 5% fault surely strikes. The
        // default deadline leaves a retry's lookups their eight attempts against the faults.
        {
          ...storeEnv,
          CIRCUIT_BREAKER_HALF_OPEN_MS: '300',
          UPSTREAM_BATCH_SIZE: '10',
        },
        {
          faults: {
            latencyMs: 20,
            jitterMs: 80,
            status500Rate: 0.05,
            resetAfterCommitRate: 0.05,
            rateLimitRate: 0.05,
            retryAfterSeconds: 1,
          },
        },
      );
    });
    afterAll(() => stack.close());

    it('gives every customer one final outcome, and enrols none twice: every ledger entry reported to one caller', async () => {
      const url = stack.gateway.graphqlUrl;
      const all = demo.map((c) => c.id);
      const callers: Caller[] = Array.from({ length: MUTATIONS }, (_, i) => ({
        key: randomUUID(),
        customers: all.slice(
          Math.floor((i * all.length) / MUTATIONS),
          Math.floor(((i + 1) * all.length) / MUTATIONS),
        ),
        answers: [],
      }));
      const started = Date.now();

      await Promise.all(
        callers.map(async (caller) => {
          for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
            const payload = await enrol(url, caller.customers, { idempotencyKey: caller.key });
            caller.answers.push(payload);
            if (!anyRetryable(payload, caller.customers)) return;
            if (attempt < MAX_RETRIES) await sleep(backoffMs(payload));
          }
        }),
      );
      const elapsedMs = Date.now() - started;

      const ledger = stack.sandbox.ledger();
      const calls = stack.sandbox.calls();
      const faultOf = new Map(calls.map((c) => [c.id, c.fault]));
      const cutAfterCommitCall = (callId: string): boolean => {
        const fault = faultOf.get(callId);
        return fault !== undefined && fault !== null && CUT_AFTER_COMMIT.has(fault);
      };

      // Every input customer has exactly one final outcome: the last answer of its caller.
      const finalOf = new Map<string, EnrolOutcome>();
      for (const caller of callers) {
        const last = caller.answers.at(-1)!;
        outcomesOf(last, caller.customers).forEach((outcome, i) => {
          expect(finalOf.has(caller.customers[i]!)).toBe(false);
          finalOf.set(caller.customers[i]!, outcome);
        });
      }
      expect(finalOf.size).toBe(all.length);

      // Every Enrolment any caller was ever shown, by issualId.
      const reportedTo = new Map<string, Set<number>>();
      const reportedEntity = new Map<string, string>();
      callers.forEach((caller, index) => {
        for (const answer of caller.answers) {
          for (const outcome of outcomesOf(answer, caller.customers)) {
            if (outcome.__typename !== 'Enrolment') continue;
            if (!reportedTo.has(outcome.issualId)) reportedTo.set(outcome.issualId, new Set());
            reportedTo.get(outcome.issualId)!.add(index);
            reportedEntity.set(outcome.issualId, outcome.entityId);
          }
        }
      });

      // Every reported Enrolment is in the ledger, for the same customer.
      const ledgerByIssual = new Map(ledger.map((e) => [e.issualId, e]));
      const reportedMissing = [...reportedEntity].filter(
        ([issualId, entityId]) => String(ledgerByIssual.get(issualId)?.entityId) !== entityId,
      );

      // Every ledger entry was reported to exactly one caller: the cut calls' entries by the
      // retry's lookup. None is left unreported, none reported twice.
      let reportedOnce = 0;
      let reportedFromCut = 0;
      let cutNotReported = 0;
      let reportedToSeveral = 0;
      let unexplained = 0;
      for (const entry of ledger) {
        const reported = reportedTo.get(entry.issualId)?.size ?? 0;
        const cut = cutAfterCommitCall(entry.callId);
        if (reported === 1) {
          reportedOnce++;
          if (cut) reportedFromCut++;
        } else if (reported > 1) reportedToSeveral++;
        else if (cut) cutNotReported++;
        else unexplained++;
      }

      // The gateway's retries enrolled no customer twice: one ledger entry each.
      const entriesPerCustomer = new Map<string, number>();
      for (const entry of ledger) {
        const id = String(entry.entityId);
        entriesPerCustomer.set(id, (entriesPerCustomer.get(id) ?? 0) + 1);
      }
      const enrolledTwice = [...entriesPerCustomer].filter(([, n]) => n > 1).map(([id]) => id);
      // A customer's final Enrolment is its one ledger entry.
      const issualOf = new Map(ledger.map((e) => [String(e.entityId), e.issualId]));
      const finalMismatch = [...finalOf].filter(
        ([id, outcome]) =>
          outcome.__typename !== 'Enrolment' || issualOf.get(id) !== outcome.issualId,
      );
      const lookupsMade = stack.sandbox
        .readCalls()
        .filter((r) => r.path === '/v2/customers/lookup/promotionData').length;

      const finalByType = new Map<string, number>();
      for (const outcome of finalOf.values()) {
        finalByType.set(outcome.__typename, (finalByType.get(outcome.__typename) ?? 0) + 1);
      }
      const callsByFault = new Map<string, number>();
      for (const call of calls) {
        const fault = call.fault ?? 'none';
        callsByFault.set(fault, (callsByFault.get(fault) ?? 0) + 1);
      }
      const attempts = callers.reduce((sum, c) => sum + c.answers.length, 0);
      console.log(
        [
          `reconciliation under chaos, idempotency records in ${store}`,
          table([
            ['customers', all.length],
            ['mutations (idempotency keys)', MUTATIONS],
            ['mutation attempts, retries included', attempts],
            ['elapsed ms', elapsedMs],
            ...[...finalByType].map(([type, n]): [string, number] => [`final outcome ${type}`, n]),
            ['API calls', calls.length],
            ...[...callsByFault].map(([fault, n]): [string, number] => [
              `  calls with fault ${fault}`,
              n,
            ]),
            ['lookups before re-sending (faults included)', lookupsMade],
            ['ledger entries', ledger.length],
            ['  reported to exactly one caller', reportedOnce],
            ['    of them of a call cut after commit (found by a lookup)', reportedFromCut],
            ['  of a call cut after commit, not reported', cutNotReported],
            ['  reported to several callers', reportedToSeveral],
            ['  unexplained', unexplained],
            ['customers enrolled more than once (duplicates)', enrolledTwice.length],
            ['reported Enrolments not in the ledger', reportedMissing.length],
            ['customers whose final outcome disagrees with the ledger', finalMismatch.length],
          ]),
        ].join('\n'),
      );

      expect(reportedMissing).toEqual([]);
      expect(enrolledTwice).toEqual([]);
      expect({ cutNotReported, reportedToSeveral, unexplained }).toEqual({
        cutNotReported: 0,
        reportedToSeveral: 0,
        unexplained: 0,
      });
      expect(reportedOnce).toBe(ledger.length);
      expect(ledger).toHaveLength(all.length);
      expect(finalMismatch).toEqual([]);
      // Cut calls' work was found by lookups, not only avoided by luck.
      expect(reportedFromCut).toBeGreaterThan(0);
      // With ten retries each, every customer ends enrolled.
      expect(finalByType.get('Enrolment')).toBe(all.length);
      // The faults really happened.
      for (const fault of ['status500', 'resetAfterCommit', 'rateLimit']) {
        expect(callsByFault.get(fault) ?? 0).toBeGreaterThan(0);
      }
    });
  },
);

function table(rows: Array<[string, number]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows
    .map(([label, value]) => `  ${label.padEnd(width)}  ${String(value).padStart(7)}`)
    .join('\n');
}
