/**
 * Totals never disagree with outcomes (DESIGN §2 "Totals"): over random mixes of every
 * outcome kind, all four actions, replayed or not, hoisted or not — and over random API
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
import {
  presentRevokeEarnings,
  presentRevokeEnrolments,
} from '../../src/resolvers/revocation.presenter';
import type { MutationPayload } from '../../src/promotion/payload';
import { Earning, Enrolment } from '../../src/schema/issued.type';
import '../../src/schema/payload.union';
import {
  EarnPromotionResult,
  EnrolCustomersResult,
  RevokeEarningsResult,
  RevokeEnrolmentsResult,
} from '../../src/schema/result.type';
import { EarningRevocation, EnrolmentRevocation } from '../../src/schema/revocation.type';

/** Per action: its presenter, its unions, and the classes of its Result and success. */
const MUTATIONS: Record<
  BulkAction,
  {
    present: (payload: MutationPayload, given: CustomerRef[]) => object;
    payloadUnion: string;
    outcomeUnion: string;
    result: new () => object;
    success: new () => object;
    successKind: 'ISSUED' | 'REVOKED';
  }
> = {
  ENROL: {
    present: presentEnrolCustomers,
    payloadUnion: 'EnrolCustomersPayload',
    outcomeUnion: 'EnrolmentOutcome',
    result: EnrolCustomersResult,
    success: Enrolment,
    successKind: 'ISSUED',
  },
  EARN: {
    present: presentEarnPromotion,
    payloadUnion: 'EarnPromotionPayload',
    outcomeUnion: 'EarningOutcome',
    result: EarnPromotionResult,
    success: Earning,
    successKind: 'ISSUED',
  },
  REVOKE_ENROL: {
    present: presentRevokeEnrolments,
    payloadUnion: 'RevokeEnrolmentsPayload',
    outcomeUnion: 'EnrolmentRevocationOutcome',
    result: RevokeEnrolmentsResult,
    success: EnrolmentRevocation,
    successKind: 'REVOKED',
  },
  REVOKE_EARN: {
    present: presentRevokeEarnings,
    payloadUnion: 'RevokeEarningsPayload',
    outcomeUnion: 'EarningRevocationOutcome',
    result: RevokeEarningsResult,
    success: EarningRevocation,
    successKind: 'REVOKED',
  },
};

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
const codes = [1101, 8874, 8892, 8902, 1060, 8881, 8015, 8896, 8890, 8903, 521, 11013, 0, 4242];

function successOutcome(action: BulkAction): fc.Arbitrary<CustomerOutcome> {
  if (action === 'REVOKE_ENROL' || action === 'REVOKE_EARN') {
    // What the mapper lets through: a revocation always names what it revoked.
    return fc.record({
      kind: fc.constant('REVOKED' as const),
      entityId: id,
      programId: fc.nat(),
      promotionId: fc.option(fc.nat(), { nil: null }),
      promoIdentifier: fc.option(fc.string(), { nil: null }),
      revokedIssualId: action === 'REVOKE_ENROL' ? id : fc.constant(null),
      revokedEarnedIds:
        action === 'REVOKE_EARN' ? fc.array(id, { maxLength: 3 }) : fc.constant<string[]>([]),
      warnings: fc.array(fc.record({ code: fc.nat(), message }), { maxLength: 2 }),
    });
  }
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

const errorOutcome: fc.Arbitrary<Exclude<CustomerOutcome, { kind: 'ISSUED' | 'REVOKED' }>> =
  fc.oneof(
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
    fc.array(fc.oneof(successOutcome(action), errorOutcome), { minLength: 1, maxLength: 12 }),
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
  const mutation = MUTATIONS[action];
  const presented = mutation.present(payload, customers);
  if (payload.kind === 'HOISTED') {
    expect(isMemberOf(mutation.payloadUnion, presented)).toBe(true);
    return 'HOISTED';
  }
  if (!(presented instanceof mutation.result)) {
    throw new Error(`a Result was expected, got ${presented.constructor.name}`);
  }
  const result = presented as EnrolCustomersResult | RevokeEarningsResult;
  const shown = result.results.map((r) => r.outcome as object);
  const successes = shown.filter((o) => o instanceof mutation.success).length;
  expect(result.totalCount).toBe(result.results.length);
  expect(result.totalCount).toBe(customers.length);
  expect(result.successCount).toBe(successes);
  expect(result.failureCount).toBe(shown.length - successes);
  expect(result.successCount).toBe(outcomes.filter((o) => o.kind === mutation.successKind).length);
  expect(result.replayed).toBe(replayed);
  for (const outcome of shown) expect(isMemberOf(mutation.outcomeUnion, outcome)).toBe(true);
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

  it('agree with the outcomes shown for any answer the API gives, EARN results without an earnedId and revocations without ids included', () => {
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
      // Revocations: the enrolment as revokedIssualId or as issualId, the earns, or neither.
      fc
        .tuple(
          fc.option(id, { nil: undefined }),
          fc.option(fc.array(fc.oneof(id, fc.nat()), { maxLength: 3 }), { nil: undefined }),
        )
        .map(([revokedIssualId, revokedEarnIds]) => ({
          result: { entityId: 17, programId: 469, revokedIssualId, revokedEarnIds },
          errors: [],
          warnings: [],
        })),
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
