/**
 * Reconciliation under chaos: 2,002 customers in 200 concurrent mutations with
 * idempotency keys, an API that is slow by a random amount and fails 5% of its calls
 * in each of three ways (500 without envelope, reset after doing the work, 429), and
 * clients that retry what the gateway calls retryable, with the same key. Afterwards
 * the answers are checked against the sandbox's ledger and call log: nothing lost,
 * nothing done twice without the caller having been told it might have been.
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
        // Calls of 10 customers: some 250 calls, so that each 5% fault surely strikes.
        {
          ...storeEnv,
          PROMOTION_API_TIMEOUT_MS: '4000',
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

    it('gives every customer one final outcome, and every ledger entry was reported or cut after commit', async () => {
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

      // Every ledger entry was reported to exactly one caller, or belongs to a call the
      // sandbox cut after committing; nothing else.
      let reportedOnce = 0;
      let cutAfterCommit = 0;
      let reportedToSeveral = 0;
      let reportedButCut = 0;
      let unexplained = 0;
      for (const entry of ledger) {
        const reported = reportedTo.get(entry.issualId)?.size ?? 0;
        const cut = cutAfterCommitCall(entry.callId);
        if (reported === 1 && !cut) reportedOnce++;
        else if (reported === 0 && cut) cutAfterCommit++;
        else if (reported > 1) reportedToSeveral++;
        else if (cut) reportedButCut++;
        else unexplained++;
      }

      // A customer told "Enrolment" was done exactly once outside the cut calls; one that
      // was not, never.
      const doneOutsideCuts = new Map<string, number>();
      for (const entry of ledger) {
        if (cutAfterCommitCall(entry.callId)) continue;
        const id = String(entry.entityId);
        doneOutsideCuts.set(id, (doneOutsideCuts.get(id) ?? 0) + 1);
      }
      const finalMismatch = [...finalOf].filter(
        ([id, outcome]) =>
          (doneOutsideCuts.get(id) ?? 0) !== (outcome.__typename === 'Enrolment' ? 1 : 0),
      );

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
            ['ledger entries', ledger.length],
            ['  reported to exactly one caller', reportedOnce],
            ['  of a call cut after commit, not reported', cutAfterCommit],
            ['  reported to several callers', reportedToSeveral],
            ['  of a cut call yet reported', reportedButCut],
            ['  unexplained', unexplained],
            ['reported Enrolments not in the ledger', reportedMissing.length],
            ['customers whose final outcome disagrees with the ledger', finalMismatch.length],
          ]),
        ].join('\n'),
      );

      expect(reportedMissing).toEqual([]);
      expect({ reportedToSeveral, reportedButCut, unexplained }).toEqual({
        reportedToSeveral: 0,
        reportedButCut: 0,
        unexplained: 0,
      });
      expect(reportedOnce + cutAfterCommit).toBe(ledger.length);
      expect(finalMismatch).toEqual([]);
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
