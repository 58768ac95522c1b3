/**
 * DESIGN §8's reconcile rule as pure functions: which record of a lookup is an unknown
 * call's work, and how a re-sent customer's answer merges with the record.
 */
import type { CustomerOutcome } from '../../src/domain/outcome';
import type { CustomerPromotionRecord } from '../../src/domain/promotion-read';
import {
  findingOf,
  mergeResent,
  promotionOn,
  reportedIdsOf,
  sentAtOf,
  type FindingInput,
} from '../../src/promotion/reconcile';

const SENT_AT = Date.parse('2026-03-01T12:00:00Z');
const SKEW = 120_000;
const at = (offsetMs: number) => new Date(SENT_AT + offsetMs);

function promotion(
  enrolments: Array<{ issualId: string; at: Date | null; earnings?: Array<[string, Date | null]> }>,
): CustomerPromotionRecord {
  return {
    programId: 469,
    promotionId: 57099,
    promoIdentifier: 'spring',
    name: 'Spring',
    description: null,
    kind: 'ENROL_AND_ISSUE',
    active: true,
    startsAt: null,
    endsAt: null,
    usage: {
      maxTimesPerCustomer: null,
      timesUsedByCustomer: null,
      maxPointsPerCustomer: null,
      pointsUsedByCustomer: null,
      maxPointsPerEvent: null,
      maxPointsInPromotion: null,
      pointsUsedInPromotion: null,
    },
    enrolments: enrolments.map((e) => ({
      issualId: e.issualId,
      enrolledAt: e.at,
      expiresAt: null,
      earnings: (e.earnings ?? []).map(([earnedId, earnedAt]) => ({
        earnedId,
        earnedAt,
        expiresAt: null,
        redeemedCount: 0,
      })),
    })),
  };
}

function input(overrides: Partial<FindingInput>): FindingInput {
  return {
    action: 'ENROL',
    entityId: '3001',
    promotion: promotion([]),
    sentAt: SENT_AT,
    clockSkewMs: SKEW,
    reported: new Set(),
    ...overrides,
  };
}

describe('findingOf (ENROL)', () => {
  it('takes the one enrolment dated since the call left, skew allowed, as its work', () => {
    const finding = findingOf(
      input({
        promotion: promotion([
          { issualId: '1001', at: at(-SKEW - 1000) },
          { issualId: '1002', at: at(-SKEW) },
        ]),
      }),
    );
    expect(finding).toEqual({
      kind: 'DONE',
      outcome: {
        kind: 'ISSUED',
        entityId: '3001',
        programId: 469,
        promotionId: 57099,
        promoIdentifier: 'spring',
        issualId: '1002',
        earnedId: null,
        warnings: [],
      },
    });
  });

  it('finds nothing done when every enrolment is older than the call, skew allowed', () => {
    const finding = findingOf(
      input({ promotion: promotion([{ issualId: '1001', at: at(-SKEW - 1) }]) }),
    );
    expect(finding).toEqual({ kind: 'NOT_DONE' });
  });

  it('is unsure when two enrolments are dated since the call left', () => {
    const finding = findingOf(
      input({
        promotion: promotion([
          { issualId: '1001', at: at(-5000) },
          { issualId: '1002', at: at(10) },
        ]),
      }),
    );
    expect(finding).toEqual({ kind: 'UNSURE', reason: 'several candidates' });
  });

  it('never claims an enrolment an earlier answer reported', () => {
    const finding = findingOf(
      input({
        promotion: promotion([
          { issualId: '1001', at: at(-5000) },
          { issualId: '1002', at: at(10) },
        ]),
        reported: new Set(['1001']),
      }),
    );
    expect(finding).toMatchObject({ kind: 'DONE', outcome: { issualId: '1002' } });
  });

  it('is unsure when an unreported enrolment has no date', () => {
    const finding = findingOf(
      input({
        promotion: promotion([
          { issualId: '1001', at: null },
          { issualId: '1002', at: at(10) },
        ]),
      }),
    );
    expect(finding).toEqual({ kind: 'UNSURE', reason: 'an undated record' });
  });
});

describe('findingOf (EARN)', () => {
  it('takes the one earning dated since the call left, with its enrolment as issualId', () => {
    const finding = findingOf(
      input({
        action: 'EARN',
        promotion: promotion([
          {
            issualId: '1001',
            at: at(-3_600_000),
            earnings: [
              ['5000001', at(-3_000_000)],
              ['5000002', at(500)],
            ],
          },
        ]),
      }),
    );
    expect(finding).toMatchObject({
      kind: 'DONE',
      outcome: { kind: 'ISSUED', issualId: '1001', earnedId: '5000002' },
    });
  });

  it('is unsure with two new earnings, and sure again when one was reported', () => {
    const both = promotion([
      {
        issualId: '1001',
        at: at(-3_600_000),
        earnings: [
          ['5000001', at(-1000)],
          ['5000002', at(500)],
        ],
      },
    ]);
    expect(findingOf(input({ action: 'EARN', promotion: both }))).toMatchObject({
      kind: 'UNSURE',
    });
    expect(
      findingOf(input({ action: 'EARN', promotion: both, reported: new Set(['5000002']) })),
    ).toMatchObject({ kind: 'DONE', outcome: { earnedId: '5000001' } });
  });

  it('finds nothing done for an enrolment without earnings', () => {
    const finding = findingOf(
      input({ action: 'EARN', promotion: promotion([{ issualId: '1001', at: at(10) }]) }),
    );
    expect(finding).toEqual({ kind: 'NOT_DONE' });
  });
});

describe('the record around a reconcile', () => {
  const unknown = (sentAt?: number): CustomerOutcome =>
    sentAt === undefined
      ? { kind: 'OUTCOME_UNKNOWN', message: 'reset' }
      : { kind: 'OUTCOME_UNKNOWN', message: 'reset', sentAt };

  it('reads sentAt of an unknown outcome, and none of an old record or a malformed one', () => {
    expect(sentAtOf(unknown(SENT_AT))).toBe(SENT_AT);
    expect(sentAtOf(unknown())).toBeNull();
    expect(sentAtOf({ kind: 'OUTCOME_UNKNOWN', message: 'x', sentAt: 'soon' } as never)).toBeNull();
    expect(sentAtOf({ kind: 'UNAVAILABLE', message: 'x' })).toBeNull();
  });

  it('collects the issualIds (ENROL) or earnedIds (EARN) an answer reported', () => {
    const outcomes: CustomerOutcome[] = [
      {
        kind: 'ISSUED',
        entityId: '1',
        programId: 469,
        promotionId: 57099,
        promoIdentifier: null,
        issualId: '1001',
        earnedId: '5000001',
        warnings: [],
      },
      unknown(SENT_AT),
    ];
    expect([...reportedIdsOf('ENROL', outcomes)]).toEqual(['1001']);
    expect([...reportedIdsOf('EARN', outcomes)]).toEqual(['5000001']);
  });

  it('finds the promotion by promotionId, or by promoIdentifier when only that was given', () => {
    const page = { entityId: '1', totalCount: 1, promotions: [promotion([])] };
    expect(promotionOn(page, { programId: 469, promotionId: 57099 })).not.toBeNull();
    expect(promotionOn(page, { programId: 469, promotionId: 1 })).toBeNull();
    expect(promotionOn(page, { programId: 469, promoIdentifier: 'spring' })).not.toBeNull();
    expect(promotionOn(page, { programId: 470, promoIdentifier: 'spring' })).toBeNull();
  });

  it('keeps a customer unknown when the re-send only says nothing was done this time', () => {
    const before = unknown(SENT_AT);
    expect(
      mergeResent(before, { kind: 'RATE_LIMITED', message: 'slow', retryAfterSeconds: 1 }),
    ).toBe(before);
    expect(mergeResent(before, { kind: 'UNAVAILABLE', message: 'down' })).toBe(before);
    expect(
      mergeResent(before, {
        kind: 'UPSTREAM_ERROR',
        code: 521,
        message: 'busy',
        scope: 'customer',
      }),
    ).toBe(before);
  });

  it('keeps the first call time across a second unknown, and none when the first was not known', () => {
    expect(mergeResent(unknown(SENT_AT), unknown(SENT_AT + 5000))).toEqual(unknown(SENT_AT));
    expect(mergeResent(unknown(), unknown(SENT_AT + 5000))).toEqual(unknown());
  });

  it('takes the API answer of a re-send that did something, or of a customer that was not unknown', () => {
    const limit: CustomerOutcome = {
      kind: 'UPSTREAM_ERROR',
      code: 8890,
      message: 'limit',
      scope: 'customer',
    };
    expect(mergeResent(unknown(SENT_AT), limit)).toBe(limit);
    const slow: CustomerOutcome = { kind: 'RATE_LIMITED', message: 'slow', retryAfterSeconds: 1 };
    expect(mergeResent({ kind: 'UNAVAILABLE', message: 'down' }, slow)).toBe(slow);
  });
});
