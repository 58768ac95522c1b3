import type { CustomerOutcome } from '../../src/domain/outcome';
import { toPayload } from '../../src/promotion/payload';
import { Earning, Enrolment } from '../../src/schema/issued.type';
import { OutcomeUnknownError, RateLimitedError } from '../../src/schema/path-errors.type';
import { presentPayload } from '../../src/schema/present-payload';
import { EarnPromotionResult, EnrolCustomersResult } from '../../src/schema/result.type';
import {
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

describe('presentPayload', () => {
  it('dresses each outcome as its GraphQL type, carrying warnings and counting totals', () => {
    const outcomes: CustomerOutcome[] = [
      issued,
      { kind: 'UPSTREAM_ERROR', code: 8890, message: 'limits', scope: 'customer' },
      { kind: 'UPSTREAM_ERROR', code: 8015, message: 'not found', scope: 'customer' },
    ];
    const result = presentPayload('EARN', toPayload(customers, outcomes, false));
    expect(result).toBeInstanceOf(EarnPromotionResult);
    const { results, totalCount, successCount, failureCount } = result as EarnPromotionResult;
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
    const result = presentPayload('ENROL', toPayload(customers.slice(0, 1), [issued], false));
    expect(result).toBeInstanceOf(EnrolCustomersResult);
    expect((result as EnrolCustomersResult).results[0]?.outcome).toBeInstanceOf(Enrolment);
  });

  it('does not trust an EARN answered without an earnedId', () => {
    const result = presentPayload(
      'EARN',
      toPayload(customers.slice(0, 1), [{ ...issued, earnedId: null }], false),
    );
    expect((result as EarnPromotionResult).results[0]?.outcome).toBeInstanceOf(OutcomeUnknownError);
  });

  it('hoists a batch-level error as the payload itself', () => {
    const error: CustomerOutcome = {
      kind: 'UPSTREAM_ERROR',
      code: 1101,
      message: 'invalid programId passed',
      scope: 'batch',
    };
    const payload = presentPayload('ENROL', toPayload(customers, [error, error, error], false));
    expect(payload).toBeInstanceOf(InvalidProgramError);
    expect(payload).toMatchObject({ upstreamCode: 1101, retryable: false });
  });

  it('maps codes it has no type for to UpstreamError and keeps retryAfterSeconds', () => {
    const other = presentPayload(
      'ENROL',
      toPayload(
        customers.slice(0, 1),
        [{ kind: 'UPSTREAM_ERROR', code: 8881, message: 'x', scope: 'batch' }],
        false,
      ),
    );
    const limited = presentPayload(
      'ENROL',
      toPayload(
        customers.slice(0, 1),
        [{ kind: 'RATE_LIMITED', message: 'slow down', retryAfterSeconds: 3 }],
        false,
      ),
    );
    expect(other).toBeInstanceOf(UpstreamError);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited).toMatchObject({ retryAfterSeconds: 3, retryable: true });
  });
});
