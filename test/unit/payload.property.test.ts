/**
 * Totals never disagree with outcomes (DESIGN §2 "Totals"): over random mixes of every
 * outcome kind, both actions, replayed or not, hoisted or not — and over random API
 * answers read by the mapper, where the EARN-without-earnedId rule lives.
 */
import fc from 'fast-check';
import { getMetadataStorage } from 'type-graphql';
import { toOutcomes } from '../../src/datasources/enrol-and-earn.mapper';
import type { CustomerOutcome } from '../../src/domain/outcome';
import { BULK_ACTIONS, type BulkAction, type CustomerRef } from '../../src/domain/promotion';
import { toPayload } from '../../src/promotion/payload';
import { presentEarnPromotion } from '../../src/resolvers/earn-promotion.presenter';
import { presentEnrolCustomers } from '../../src/resolvers/enrol-customers.presenter';
import { Earning, Enrolment } from '../../src/schema/issued.type';
import '../../src/schema/payload.union';
import { EarnPromotionResult, EnrolCustomersResult } from '../../src/schema/result.type';

/** Is `value` an instance of a member of the union, as type-graphql will resolve it? */
const isMemberOf = (union: string, value: object): boolean =>
  getMetadataStorage()
    .unions.find((u) => u.name === union)
    ?.getClassTypes()
    .some((type) => type === value.constructor) ?? false;

const id = fc.oneof(
  fc.string({ minLength: 1, maxLength: 64 }),
  fc.nat().map((n) => String(n)),
);
const message = fc.string({ maxLength: 20 });
const codes = [1101, 8874, 8892, 8902, 1060, 8881, 8015, 8896, 8890, 521, 11013, 0, 4242];

function issuedOutcome(action: BulkAction): fc.Arbitrary<CustomerOutcome> {
  // What the mapper lets through: an EARN success always names its earn.
  const earnedId: fc.Arbitrary<string | null> =
    action === 'EARN' ? id : fc.option(id, { nil: null });
  return fc.record({
    kind: fc.constant('ISSUED' as const),
    entityId: id,
    programId: fc.nat(),
    promotionId: fc.option(fc.nat(), { nil: null }),
    promoIdentifier: fc.option(fc.string(), { nil: null }),
    issualId: id,
    earnedId,
    warnings: fc.array(fc.record({ code: fc.nat(), message }), { maxLength: 2 }),
  });
}

const errorOutcome: fc.Arbitrary<Exclude<CustomerOutcome, { kind: 'ISSUED' }>> = fc.oneof(
  fc.record({
    kind: fc.constant('UPSTREAM_ERROR' as const),
    code: fc.constantFrom(...codes),
    message,
    scope: fc.constantFrom('batch' as const, 'customer' as const),
  }),
  fc.record({ kind: fc.constant('UNAVAILABLE' as const), message }),
  fc.record({
    kind: fc.constant('RATE_LIMITED' as const),
    message,
    retryAfterSeconds: fc.option(fc.nat(60), { nil: null }),
  }),
  fc.record({ kind: fc.constant('OUTCOME_UNKNOWN' as const), message }),
  fc.record({
    kind: fc.constant('AUTH_REJECTED' as const),
    status: fc.constantFrom(401 as const, 403 as const),
    message,
  }),
);

/** A random mix, or one error for every customer (which hoists when it is batch-level). */
function outcomesFor(action: BulkAction): fc.Arbitrary<CustomerOutcome[]> {
  return fc.oneof(
    fc.array(fc.oneof(issuedOutcome(action), errorOutcome), { minLength: 1, maxLength: 12 }),
    fc
      .tuple(errorOutcome, fc.integer({ min: 1, max: 12 }))
      .map(([error, count]) => Array.from({ length: count }, () => ({ ...error }))),
  );
}

function customersFor(count: number): CustomerRef[] {
  return Array.from({ length: count }, (_, i) => ({
    identifierValue: ` ${1000 + i} `,
    source: 'INSTORE',
  }));
}

/** Presents the payload and checks every total against the outcomes it shows. */
function checkTotals(
  action: BulkAction,
  outcomes: CustomerOutcome[],
  replayed: boolean,
): 'HOISTED' | 'RESULT' {
  const customers = customersFor(outcomes.length);
  const payload = toPayload(outcomes, replayed);
  const presented =
    action === 'ENROL'
      ? presentEnrolCustomers(payload, customers)
      : presentEarnPromotion(payload, customers);
  if (payload.kind === 'HOISTED') {
    const union = action === 'ENROL' ? 'EnrolCustomersPayload' : 'EarnPromotionPayload';
    expect(isMemberOf(union, presented)).toBe(true);
    return 'HOISTED';
  }
  if (!(presented instanceof EnrolCustomersResult || presented instanceof EarnPromotionResult)) {
    throw new Error(`a Result was expected, got ${presented.constructor.name}`);
  }
  const shown = presented.results.map((r) => r.outcome);
  const successes = shown.filter((o) => o instanceof Enrolment || o instanceof Earning).length;
  expect(presented.totalCount).toBe(presented.results.length);
  expect(presented.totalCount).toBe(customers.length);
  expect(presented.successCount).toBe(successes);
  expect(presented.failureCount).toBe(shown.length - successes);
  expect(presented.successCount).toBe(outcomes.filter((o) => o.kind === 'ISSUED').length);
  expect(presented.replayed).toBe(replayed);
  const union = action === 'ENROL' ? 'EnrolmentOutcome' : 'EarningOutcome';
  for (const outcome of shown) expect(isMemberOf(union, outcome)).toBe(true);
  return 'RESULT';
}

describe('totals of a presented payload', () => {
  it('agree with the outcomes shown, for every mix of outcomes', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc
          .constantFrom(...BULK_ACTIONS)
          .chain((action) => fc.tuple(fc.constant(action), outcomesFor(action), fc.boolean())),
        ([action, outcomes, replayed]) => {
          seen.add(checkTotals(action, outcomes, replayed));
        },
      ),
      { numRuns: 500 },
    );
    // Both shapes were exercised, or the property says less than it claims.
    expect([...seen].sort()).toEqual(['HOISTED', 'RESULT']);
  });

  it('agree with the outcomes shown for any answer the API gives, EARN results without an earnedId included', () => {
    const result = (issualId: string, earnedId: unknown) => ({
      entityId: 17,
      programId: 469,
      issualId,
      ...(earnedId === undefined ? {} : { earnedId }),
    });
    const item = fc.oneof(
      fc.record({
        result: fc
          .tuple(id, fc.oneof(fc.constant(undefined), fc.constant(null), id, fc.nat()))
          .map(([issualId, earnedId]) => result(issualId, earnedId)),
        errors: fc.constant([]),
        warnings: fc.constant([]),
      }),
      fc.constantFrom(...codes).map((code) => ({
        errors: [{ status: false, code, message: 'x' }],
        warnings: [],
      })),
      fc.constant({
        result: { entityId: 7, programId: 469 },
        errors: [],
        warnings: [{ status: false, code: 8890, message: 'exhausted' }],
      }),
      fc.constant({ errors: [], warnings: [] }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...BULK_ACTIONS),
        fc.array(item, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (action, items, replayed) => {
          const outcomes = toOutcomes(201, { response: items }, items.length, action);
          checkTotals(action, outcomes, replayed);
        },
      ),
      { numRuns: 300 },
    );
  });
});
