import { toRequestBody } from '../../src/datasources/bulk-action.body';
import { toOutcomes } from '../../src/datasources/enrol-and-earn.mapper';
import type { CustomerOutcome } from '../../src/domain/outcome';

import { envelope, failed, issued } from './envelope-fixtures';

describe('toRequestBody', () => {
  it('builds the documented body with promotionId', () => {
    expect(
      toRequestBody('ENROL', { programId: 469, promotionId: 57099 }, 'id', [
        { identifierValue: '555567088', source: 'INSTORE' },
      ]),
    ).toEqual({
      type: 'CUSTOMER',
      bulkAction: 'ENROL',
      promotionDetails: { programId: 469, promotionId: 57099 },
      identifierName: 'id',
      customers: [{ identifierValue: '555567088', source: 'INSTORE' }],
    });
  });

  it('sends promoIdentifier when there is no promotionId, and only documented customer fields', () => {
    const customer = { identifierValue: '11223569865', source: 'INSTORE', extra: 'x' } as never;
    const body = toRequestBody(
      'EARN',
      { programId: 469, promotionId: null, promoIdentifier: 'REVIEW_REWARD' },
      'mobile',
      [customer],
    );
    expect(body.promotionDetails).toEqual({ programId: 469, promoIdentifier: 'REVIEW_REWARD' });
    expect(body.customers).toEqual([{ identifierValue: '11223569865', source: 'INSTORE' }]);
    expect(JSON.parse(JSON.stringify(body)).promotionDetails).not.toHaveProperty('promotionId');
  });
});

describe('toOutcomes', () => {
  it('maps N items to N customers by position', () => {
    const outcomes = toOutcomes(
      201,
      envelope([
        issued(170940055, '72', '102'),
        failed(8015, 'Customer not found for the given identifiers'),
        issued('423926198', '848'),
      ]),
      3,
    );
    expect(outcomes).toEqual<CustomerOutcome[]>([
      {
        kind: 'ISSUED',
        entityId: '170940055',
        programId: 469,
        promotionId: 57099,
        promoIdentifier: null,
        issualId: '72',
        earnedId: '102',
        warnings: [],
      },
      {
        kind: 'UPSTREAM_ERROR',
        code: 8015,
        message: 'Customer not found for the given identifiers',
        scope: 'customer',
      },
      {
        kind: 'ISSUED',
        entityId: '423926198',
        programId: 469,
        promotionId: 57099,
        promoIdentifier: null,
        issualId: '848',
        earnedId: null,
        warnings: [],
      },
    ]);
  });

  it('gives ids as decimal strings even when the API sends numbers', () => {
    const [outcome] = toOutcomes(
      200,
      envelope([
        {
          result: { entityId: 1, programId: 2, promotionId: 3, issualId: 4, earnedId: 5 },
          errors: [],
          warnings: [],
        },
      ]),
      1,
    );
    expect(outcome).toMatchObject({ entityId: '1', issualId: '4', earnedId: '5' });
  });

  it('takes ids the vendor documents as String as they come: opaque, up to 64 characters', () => {
    const longest = 'e'.repeat(64);
    const [enrolled, earned] = toOutcomes(
      200,
      envelope([
        issued('C-9f2', 'I-77-a1'),
        {
          result: { entityId: longest, programId: 469, issualId: 'I-77-a2', earnedId: 'E:0042/b' },
          errors: [],
          warnings: [],
        },
      ]),
      2,
    );
    expect(enrolled).toMatchObject({ kind: 'ISSUED', entityId: 'C-9f2', issualId: 'I-77-a1' });
    expect(earned).toMatchObject({
      kind: 'ISSUED',
      entityId: longest,
      issualId: 'I-77-a2',
      earnedId: 'E:0042/b',
    });
  });

  it('answers OUTCOME_UNKNOWN for an EARN reported issued without an earnedId, before anything counts', () => {
    const body = envelope([issued(1, '10', '20'), issued(2, '11')]);
    expect(toOutcomes(200, body, 2, 'EARN').map((o) => o.kind)).toEqual([
      'ISSUED',
      'OUTCOME_UNKNOWN',
    ]);
    expect(toOutcomes(200, body, 2, 'EARN')[1]).toEqual({
      kind: 'OUTCOME_UNKNOWN',
      message: 'the promotion API answered an earn without an earnedId',
    });
    // An enrolment has no earnedId to give.
    expect(toOutcomes(200, body, 2, 'ENROL').map((o) => o.kind)).toEqual(['ISSUED', 'ISSUED']);
  });

  it('keeps 521 (concurrent actions on the same customer) on that customer alone', () => {
    const outcomes = toOutcomes(
      201,
      envelope([issued(1, '10'), failed(521, 'concurrent actions on the same customer')]),
      2,
      'ENROL',
    );
    expect(outcomes[1]).toEqual({
      kind: 'UPSTREAM_ERROR',
      code: 521,
      message: 'concurrent actions on the same customer',
      scope: 'customer',
    });
  });

  it('fans one request-level element out to every customer as a batch error', () => {
    const outcomes = toOutcomes(500, envelope([failed(1101, 'invalid programId passed')]), 3);
    expect(outcomes).toEqual(
      Array(3).fill({
        kind: 'UPSTREAM_ERROR',
        code: 1101,
        message: 'invalid programId passed',
        scope: 'batch',
      }),
    );
  });

  it('treats a request-level element for a single customer as batch-level too', () => {
    expect(toOutcomes(500, envelope([failed(8892, 'promotion is inactive')]), 1)).toEqual([
      { kind: 'UPSTREAM_ERROR', code: 8892, message: 'promotion is inactive', scope: 'batch' },
    ]);
  });

  it('keeps a customer-level error of a one-customer call customer-scoped', () => {
    expect(toOutcomes(500, envelope([failed(8896, 'Error occurred')]), 1)).toEqual([
      { kind: 'UPSTREAM_ERROR', code: 8896, message: 'Error occurred', scope: 'customer' },
    ]);
  });

  it('answers OUTCOME_UNKNOWN for every customer when one customer-level element comes back for several', () => {
    const outcomes = toOutcomes(500, envelope([failed(8896, 'Error occurred')]), 3);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(3).fill('OUTCOME_UNKNOWN'));
  });

  it('answers OUTCOME_UNKNOWN for every customer when the counts differ', () => {
    const outcomes = toOutcomes(200, envelope([issued(1, '1'), issued(2, '2')]), 3);
    expect(outcomes).toHaveLength(3);
    expect(outcomes.every((o) => o.kind === 'OUTCOME_UNKNOWN')).toBe(true);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'OK'],
    ['an empty object', {}],
    ['HTML text', '<html><body>502 Bad Gateway</body></html>'],
    ['an envelope whose response is not an array', { response: { result: {} } }],
    ['an array', [issued(1, '1'), issued(2, '2')]],
    ['a number', 42],
  ])('answers OUTCOME_UNKNOWN for every customer when the body is %s', (_name, body) => {
    const outcomes = toOutcomes(200, body, 2);
    expect(outcomes).toEqual(
      Array(2).fill({ kind: 'OUTCOME_UNKNOWN', message: expect.any(String) }),
    );
  });

  it('maps a result without ids and warning 8890 to LimitExhausted, customer-scoped', () => {
    const exhausted = {
      result: { entityType: 'CUSTOMER', entityId: 7, promotionId: 202090, programId: 469 },
      errors: [],
      warnings: [
        {
          status: false,
          code: 8890,
          message: 'promotion not issued due to config issues or customer exhausted limits',
        },
      ],
    };
    expect(toOutcomes(200, envelope([issued(1, '1', '2'), exhausted]), 2)[1]).toEqual({
      kind: 'UPSTREAM_ERROR',
      code: 8890,
      message: 'promotion not issued due to config issues or customer exhausted limits',
      scope: 'customer',
    });
  });

  it('carries warnings on successes as {code, message}', () => {
    const item = {
      ...issued(1, '10', '20'),
      warnings: [{ status: false, code: 1234, message: 'something to know' }],
    };
    expect(toOutcomes(200, envelope([item]), 1)[0]).toMatchObject({
      kind: 'ISSUED',
      warnings: [{ code: 1234, message: 'something to know' }],
    });
  });

  it('treats a 500 that carries the envelope as the answer', () => {
    const outcomes = toOutcomes(
      500,
      envelope([failed(8015, 'Customer not found'), failed(8896, 'Error occurred')]),
      2,
    );
    expect(outcomes).toEqual([
      { kind: 'UPSTREAM_ERROR', code: 8015, message: 'Customer not found', scope: 'customer' },
      { kind: 'UPSTREAM_ERROR', code: 8896, message: 'Error occurred', scope: 'customer' },
    ]);
  });

  it('answers OUTCOME_UNKNOWN only for an item with neither result nor errors', () => {
    const outcomes = toOutcomes(200, envelope([issued(1, '1'), { errors: [], warnings: [] }]), 2);
    expect(outcomes.map((o) => o.kind)).toEqual(['ISSUED', 'OUTCOME_UNKNOWN']);
  });

  it('never guesses from a result without an issualId and without warning 8890', () => {
    const item = { result: { entityId: 1, programId: 469 }, errors: [], warnings: [] };
    expect(toOutcomes(200, envelope([item]), 1)[0]?.kind).toBe('OUTCOME_UNKNOWN');
  });

  it('never guesses from an item with both ids and errors', () => {
    const item = { ...issued(1, '1'), errors: [{ status: false, code: 8896, message: 'x' }] };
    expect(toOutcomes(200, envelope([item]), 1)[0]?.kind).toBe('OUTCOME_UNKNOWN');
  });

  it.each<[string, unknown]>([
    ['an empty entityId', { entityId: '', programId: 1, issualId: '1' }],
    ['an entityId that is an object', { entityId: { id: 1 }, programId: 1, issualId: '1' }],
    ['fractional issualId', { entityId: 1, programId: 1, issualId: 1.5 }],
    ['negative issualId', { entityId: 1, programId: 1, issualId: -4 }],
    ['an issualId of 65 characters', { entityId: 1, programId: 1, issualId: 'x'.repeat(65) }],
    ['an empty earnedId', { entityId: 1, programId: 1, issualId: '1', earnedId: '' }],
    ['missing programId', { entityId: 1, issualId: '1' }],
  ])('never guesses from a result with %s', (_name, result) => {
    expect(toOutcomes(200, envelope([{ result, errors: [], warnings: [] }]), 1)[0]?.kind).toBe(
      'OUTCOME_UNKNOWN',
    );
  });

  it('always returns one outcome per customer', () => {
    for (const body of [
      null,
      envelope([]),
      envelope([failed(1101, 'x')]),
      envelope([issued(1, '1')]),
    ]) {
      for (const count of [1, 2, 5]) expect(toOutcomes(200, body, count)).toHaveLength(count);
    }
  });
});

describe('revocations', () => {
  const subject = {
    entityType: 'CUSTOMER',
    entityId: 555567088,
    promotionId: 57099,
    programId: 469,
  };
  const item = (result: Record<string, unknown>) => ({ result, errors: [], warnings: [] });

  it('sends earnIds only for REVOKE_EARN customers that name earns: numbers when digits', () => {
    const customers = [
      { identifierValue: '1', source: 'INSTORE' as const, earnedIds: ['5000001', '0042'] },
      { identifierValue: '2', source: 'INSTORE' as const },
      {
        identifierValue: '3',
        source: 'INSTORE' as const,
        earnedIds: ['E-9', '99999999999999999999'],
      },
    ];
    const promotion = { programId: 469, promotionId: 57099 };
    expect(toRequestBody('REVOKE_EARN', promotion, 'id', customers).customers).toEqual([
      { identifierValue: '1', source: 'INSTORE', earnIds: [5000001, 42] },
      { identifierValue: '2', source: 'INSTORE' },
      // Not digits, or more than a number holds exactly: as given.
      { identifierValue: '3', source: 'INSTORE', earnIds: ['E-9', '99999999999999999999'] },
    ]);
    for (const action of ['ENROL', 'EARN', 'REVOKE_ENROL'] as const) {
      expect(toRequestBody(action, promotion, 'id', customers).customers).toEqual(
        customers.map(({ identifierValue, source }) => ({ identifierValue, source })),
      );
    }
  });

  it("reads REVOKE_ENROL's revoked enrolment from revokedIssualId or, as the page's examples send it, issualId", () => {
    const outcomes = toOutcomes(
      200,
      envelope([
        item({ ...subject, revokedIssualId: 1001 }),
        item({ ...subject, issualId: '1002' }),
        item({ ...subject }),
      ]),
      3,
      'REVOKE_ENROL',
    );
    expect(outcomes.map((o) => (o.kind === 'REVOKED' ? o.revokedIssualId : o.kind))).toEqual([
      '1001',
      '1002',
      'OUTCOME_UNKNOWN',
    ]);
    expect(outcomes[0]).toEqual({
      kind: 'REVOKED',
      entityId: '555567088',
      programId: 469,
      promotionId: 57099,
      promoIdentifier: null,
      revokedIssualId: '1001',
      revokedEarnedIds: [],
      warnings: [],
    });
  });

  it("reads REVOKE_EARN's revokedEarnIds, numbers or strings, as ID strings; without them the outcome is unknown", () => {
    const outcomes = toOutcomes(
      200,
      envelope([
        item({ ...subject, revokedEarnIds: [5000001, '5000002'] }),
        item({ ...subject }),
        item({ ...subject, revokedEarnIds: [{}] }),
        item({ ...subject, revokedEarnIds: 5000001 }),
      ]),
      4,
      'REVOKE_EARN',
    );
    expect(outcomes[0]).toMatchObject({
      kind: 'REVOKED',
      revokedEarnedIds: ['5000001', '5000002'],
    });
    expect(outcomes.slice(1).map((o) => o.kind)).toEqual([
      'OUTCOME_UNKNOWN',
      'OUTCOME_UNKNOWN',
      'OUTCOME_UNKNOWN',
    ]);
  });

  it('keeps 8903 and 8896 per customer, hoists 8902 as one element, and distrusts an error next to revoked ids', () => {
    const outcomes = toOutcomes(
      201,
      envelope([
        failed(8903, 'Earn IDs passed are either invalid or already revoked'),
        failed(8896, 'revoke the earns first'),
        {
          result: { ...subject, revokedEarnIds: [1] },
          errors: [{ status: false, code: 8903, message: 'x' }],
          warnings: [],
        },
      ]),
      3,
      'REVOKE_EARN',
    );
    expect(outcomes.map((o) => (o.kind === 'UPSTREAM_ERROR' ? [o.code, o.scope] : o.kind))).toEqual(
      [[8903, 'customer'], [8896, 'customer'], 'OUTCOME_UNKNOWN'],
    );
    expect(
      toOutcomes(
        500,
        envelope([failed(8902, 'revoke bulk action passed not supported')]),
        2,
        'REVOKE_ENROL',
      ),
    ).toEqual([
      expect.objectContaining({ kind: 'UPSTREAM_ERROR', code: 8902, scope: 'batch' }),
      expect.objectContaining({ kind: 'UPSTREAM_ERROR', code: 8902, scope: 'batch' }),
    ]);
  });
});
