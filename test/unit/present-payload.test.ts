import { getMetadataStorage } from 'type-graphql';
import type { CustomerOutcome } from '../../src/domain/outcome';
import { toPayload } from '../../src/promotion/payload';
import { build } from '../../src/resolvers/build';
import { presentEarnPromotion } from '../../src/resolvers/earn-promotion.presenter';
import { presentEnrolCustomers } from '../../src/resolvers/enrol-customers.presenter';
import { IdempotencyConflictReason } from '../../src/schema/idempotency-conflict-reason.enum';
import { InvalidInputError } from '../../src/schema/invalid-input-error.type';
import { Earning, Enrolment } from '../../src/schema/issued.type';
// Loaded for their unions' metadata.
import '../../src/schema/outcome.union';
import '../../src/schema/payload.union';
import {
  IdempotencyConflictError,
  RateLimitedError,
  UpstreamUnavailableError,
} from '../../src/schema/path-errors.type';
import { EarnPromotionResult, EnrolCustomersResult } from '../../src/schema/result.type';
import {
  CustomerBusyError,
  CustomerNotFoundError,
  InvalidProgramError,
  LimitExhaustedError,
  UpstreamError,
} from '../../src/schema/upstream-errors.type';

const customers = [
  { identifierValue: '1', source: 'INSTORE' as const },
  { identifierValue: '2', source: 'INSTORE' as const },
  { identifierValue: '3', source: 'INSTORE' as const },
];
const issued: CustomerOutcome = {
  kind: 'ISSUED',
  entityId: '1',
  programId: 469,
  promotionId: 202090,
  promoIdentifier: 'FIVE_PURCHASES',
  issualId: '1001',
  earnedId: '5000001',
  warnings: [{ code: 9000, message: 'note' }],
};

/** The payload as the class it must be, or the test fails. */
function asInstance<T>(value: object, type: new () => T): T {
  if (!(value instanceof type))
    throw new Error(`${type.name} expected, got ${value.constructor.name}`);
  return value;
}

describe('the enrolCustomers and earnPromotion presenters', () => {
  it('dresses each outcome as its GraphQL type, carrying warnings and counting totals', () => {
    const outcomes: CustomerOutcome[] = [
      issued,
      { kind: 'UPSTREAM_ERROR', code: 8890, message: 'limits', scope: 'customer' },
      { kind: 'UPSTREAM_ERROR', code: 8015, message: 'not found', scope: 'customer' },
    ];
    const result = presentEarnPromotion(toPayload(outcomes, false), customers);
    expect(result).toBeInstanceOf(EarnPromotionResult);
    const { results, totalCount, successCount, failureCount } = asInstance(
      result,
      EarnPromotionResult,
    );
    expect([totalCount, successCount, failureCount]).toEqual([3, 1, 2]);
    expect(results[0]?.outcome).toBeInstanceOf(Earning);
    expect(results[0]?.outcome).toMatchObject({
      earnedId: '5000001',
      warnings: [{ upstreamCode: 9000, message: 'note' }],
    });
    expect(results[1]?.outcome).toBeInstanceOf(LimitExhaustedError);
    expect(results[2]?.outcome).toBeInstanceOf(CustomerNotFoundError);
  });

  it('presents ENROL successes as Enrolment', () => {
    const result = presentEnrolCustomers(toPayload([issued], false), customers.slice(0, 1));
    expect(result).toBeInstanceOf(EnrolCustomersResult);
    expect(asInstance(result, EnrolCustomersResult).results[0]?.outcome).toBeInstanceOf(Enrolment);
  });

  it('leaves the EARN-without-earnedId rule to the mapper: an Earning is never presented without one', () => {
    // The mapper answers those OUTCOME_UNKNOWN before anything counts; one reaching the
    // presenter is a bug, and a Result that counts it as a success would be a lie.
    expect(() =>
      presentEarnPromotion(
        toPayload([{ ...issued, earnedId: null }], false),
        customers.slice(0, 1),
      ),
    ).toThrow(/earnedId/);
  });

  it('presents 521 as CustomerBusyError on that customer: retryable, the others keep theirs', () => {
    const busy: CustomerOutcome = {
      kind: 'UPSTREAM_ERROR',
      code: 521,
      message: 'concurrent actions on the same customer',
      scope: 'customer',
    };
    const result = asInstance(
      presentEnrolCustomers(toPayload([issued, busy], false), customers.slice(0, 2)),
      EnrolCustomersResult,
    );
    expect(result.results[1]?.outcome).toBeInstanceOf(CustomerBusyError);
    expect(result.results[1]?.outcome).toEqual({
      message: 'concurrent actions on the same customer',
      retryable: true,
      upstreamCode: 521,
    });
    expect([result.successCount, result.failureCount]).toEqual([1, 1]);
    // Per customer even when every customer got it: never hoisted as the payload.
    const allBusy = presentEarnPromotion(toPayload([busy, busy], false), customers.slice(0, 2));
    expect(allBusy).toBeInstanceOf(EarnPromotionResult);
  });

  it('echoes identifierValue as the input gave it, not as it was sent', () => {
    const given = [
      { identifierValue: ' 555567088\t', source: 'INSTORE' as const },
      { identifierValue: '555567089', source: 'WEBSITE' as const },
    ];
    const result = asInstance(
      presentEnrolCustomers(toPayload([issued, issued], false), given),
      EnrolCustomersResult,
    );
    expect(result.results.map((r) => [r.identifierValue, r.source])).toEqual([
      [' 555567088\t', 'INSTORE'],
      ['555567089', 'WEBSITE'],
    ]);
  });

  it('hoists a batch-level error as the payload itself', () => {
    const error: CustomerOutcome = {
      kind: 'UPSTREAM_ERROR',
      code: 1101,
      message: 'invalid programId passed',
      scope: 'batch',
    };
    const payload = presentEnrolCustomers(toPayload([error, error, error], false), customers);
    expect(payload).toBeInstanceOf(InvalidProgramError);
    expect(payload).toMatchObject({ upstreamCode: 1101, retryable: false });
  });

  it('maps codes it has no type for to UpstreamError and keeps retryAfterSeconds', () => {
    const other = presentEnrolCustomers(
      toPayload([{ kind: 'UPSTREAM_ERROR', code: 8881, message: 'x', scope: 'batch' }], false),
      customers.slice(0, 1),
    );
    const limited = presentEnrolCustomers(
      toPayload([{ kind: 'RATE_LIMITED', message: 'slow down', retryAfterSeconds: 3 }], false),
      customers.slice(0, 1),
    );
    expect(other).toBeInstanceOf(UpstreamError);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toMatchObject({ retryAfterSeconds: 3, retryable: true });
  });
});

describe('errors of a whole mutation', () => {
  it.each([
    ['enrolCustomers', presentEnrolCustomers],
    ['earnPromotion', presentEarnPromotion],
  ] as const)(
    '%s presents invalid input and idempotency conflicts as their types',
    (_, present) => {
      const invalid = present(
        { kind: 'INVALID_INPUT', violations: [{ field: 'customers', message: 'empty' }] },
        [],
      );
      expect(invalid).toBeInstanceOf(InvalidInputError);
      expect(invalid).toMatchObject({
        retryable: false,
        violations: [{ field: 'customers', message: 'empty' }],
      });
      const running = present({ kind: 'IDEMPOTENCY_CONFLICT', reason: 'IN_PROGRESS' }, []);
      const reused = present({ kind: 'IDEMPOTENCY_CONFLICT', reason: 'INPUT_MISMATCH' }, []);
      expect(running).toBeInstanceOf(IdempotencyConflictError);
      expect(running).toMatchObject({
        reason: IdempotencyConflictReason.IN_PROGRESS,
        retryable: true,
      });
      expect(reused).toMatchObject({
        reason: IdempotencyConflictReason.INPUT_MISMATCH,
        retryable: false,
      });
    },
  );

  it('cannot build a union member with a field missing', () => {
    // Checked by the compiler: each line below fails to compile without its @ts-expect-error.
    // @ts-expect-error retryable is missing
    const unavailable = build(UpstreamUnavailableError, { message: 'down' });
    // @ts-expect-error an Earning without earnedId
    const earning = build(Earning, {
      entityId: '1',
      programId: 469,
      issualId: '1001',
      warnings: [],
    });
    expect(unavailable).toBeInstanceOf(UpstreamUnavailableError);
    expect(earning).toBeInstanceOf(Earning);
  });
});

describe('the GraphQL types of mutation answers', () => {
  const storage = getMetadataStorage();
  const membersOf = (name: string) =>
    storage.unions.find((union) => union.name === name)?.getClassTypes() ?? [];

  it('name every union member class after its GraphQL type, as logs and __typename say it', () => {
    // The mutation log names a payload by its class; a factory-made class must not say "UpstreamCodeError".
    const members = [
      'EnrolmentOutcome',
      'EarningOutcome',
      'EnrolCustomersPayload',
      'EarnPromotionPayload',
    ].flatMap(membersOf);
    expect(members.length).toBeGreaterThan(40);
    const mismatched = members
      .map((type) => ({
        js: type.name,
        graphql: storage.objectTypes.find((meta) => meta.target === type)?.name,
      }))
      .filter(({ js, graphql }) => js !== graphql);
    expect(mismatched).toEqual([]);
  });

  it('list CustomerBusyError among the outcomes of both mutations, as contract-v2 does', () => {
    const names = (union: string) => membersOf(union).map((type) => type.name);
    expect(names('EnrolmentOutcome')).toContain('CustomerBusyError');
    expect(names('EarningOutcome')).toContain('CustomerBusyError');
    expect(names('EnrolCustomersPayload')).not.toContain('CustomerBusyError');
    expect(names('EarnPromotionPayload')).not.toContain('CustomerBusyError');
  });
});
