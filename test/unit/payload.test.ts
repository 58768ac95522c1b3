import type { CustomerOutcome } from '../../src/domain/outcome';
import { isRetryable, toPayload } from '../../src/promotion/payload';

const invalidProgram: CustomerOutcome = {
  kind: 'UPSTREAM_ERROR',
  code: 1101,
  message: 'invalid programId passed',
  scope: 'batch',
};
const notFound: CustomerOutcome = {
  kind: 'UPSTREAM_ERROR',
  code: 8015,
  message: 'Customer not found for the given identifiers',
  scope: 'customer',
};
const unknown: CustomerOutcome = { kind: 'OUTCOME_UNKNOWN', message: 'reset' };
const issued: CustomerOutcome = {
  kind: 'ISSUED',
  entityId: '1',
  programId: 469,
  promotionId: 57099,
  promoIdentifier: null,
  issualId: '7',
  earnedId: null,
  warnings: [],
};

describe('toPayload', () => {
  it('hoists InvalidProgramError when every batch of the mutation got 1101', () => {
    expect(toPayload([invalidProgram, invalidProgram], false)).toEqual({
      kind: 'HOISTED',
      outcome: invalidProgram,
    });
  });

  it('hoists OutcomeUnknownError when no customer got a trustworthy answer', () => {
    expect(toPayload([unknown, unknown], false)).toMatchObject({ kind: 'HOISTED' });
  });

  it('never hoists per-customer errors, even when every customer got one', () => {
    expect(toPayload([notFound, notFound], false)).toMatchObject({ kind: 'RESULT' });
  });

  it('keeps per-customer outcomes when batch-level errors differ between calls', () => {
    const payload = toPayload([invalidProgram, unknown], false);
    expect(payload).toMatchObject({ kind: 'RESULT', outcomes: [invalidProgram, unknown] });
  });

  it('keeps per-customer outcomes when some customers succeeded', () => {
    expect(toPayload([issued, unknown], true)).toEqual({
      kind: 'RESULT',
      outcomes: [issued, unknown],
      replayed: true,
    });
  });
});

describe('isRetryable', () => {
  it.each([
    [issued, false],
    [notFound, false],
    [invalidProgram, false],
    [unknown, true],
    [{ kind: 'UNAVAILABLE', message: 'refused' } as CustomerOutcome, true],
    [{ kind: 'RATE_LIMITED', message: '429', retryAfterSeconds: 1 } as CustomerOutcome, true],
    [
      { kind: 'UPSTREAM_ERROR', code: 521, message: 'busy', scope: 'customer' } as CustomerOutcome,
      true,
    ],
  ])('says whether %j may succeed when sent again', (outcome, retryable) => {
    expect(isRetryable(outcome)).toBe(retryable);
  });
});
