import { validateInput, type UncheckedPromotionInput } from '../../src/promotion/validate-input';

const limits = { maxCustomersPerMutation: 5 };

function input(overrides: Partial<UncheckedPromotionInput> = {}): UncheckedPromotionInput {
  return {
    promotion: { programId: 469, promotionId: 57099 },
    identifierName: 'id',
    customers: [{ identifierValue: '555567088', source: 'INSTORE' }],
    ...overrides,
  };
}

describe('validateInput', () => {
  it('accepts a valid input and trims identifiers', () => {
    const result = validateInput(
      input({ customers: [{ identifierValue: ' 555567088 ', source: 'INSTORE' }] }),
      limits,
    );
    expect(result).toEqual({
      valid: true,
      request: {
        promotion: { programId: 469, promotionId: 57099 },
        identifierName: 'id',
        customers: [{ identifierValue: '555567088', source: 'INSTORE' }],
        idempotencyKey: null,
      },
    });
  });

  it('reports every violation at once, each with its field path', () => {
    const result = validateInput(
      {
        promotion: { programId: 0, promotionId: 57099, promoIdentifier: 'REVIEW_REWARD' },
        identifierName: 'mobile',
        customers: [
          { identifierValue: '11223569865', source: 'INSTORE' },
          { identifierValue: '   ', source: 'INSTORE' },
          { identifierValue: '12-34', source: 'INSTORE' },
          { identifierValue: '+11223569865', source: 'WEBSITE' },
        ],
        idempotencyKey: 'k'.repeat(256),
      },
      limits,
    );
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.violations.map((v) => v.field)).toEqual([
      'promotion.programId',
      'promotion',
      'customers[1].identifierValue',
      'customers[2].identifierValue',
      'customers[3].identifierValue',
      'idempotencyKey',
    ]);
    expect(result.violations[4]?.message).toBe('is the same customer as customers[0]');
  });

  it('needs exactly one of promotionId and promoIdentifier', () => {
    const neither = validateInput(input({ promotion: { programId: 469 } }), limits);
    const identifierOnly = validateInput(
      input({ promotion: { programId: 469, promoIdentifier: 'REVIEW_REWARD' } }),
      limits,
    );
    expect(neither).toMatchObject({ valid: false, violations: [{ field: 'promotion' }] });
    expect(identifierOnly).toMatchObject({
      valid: true,
      request: { promotion: { programId: 469, promoIdentifier: 'REVIEW_REWARD' } },
    });
  });

  it('bounds the number of customers to 1..maxCustomersPerMutation', () => {
    const none = validateInput(input({ customers: [] }), limits);
    const tooMany = validateInput(
      input({
        customers: Array.from({ length: 6 }, (_, i) => ({
          identifierValue: String(100 + i),
          source: 'INSTORE' as const,
        })),
      }),
      limits,
    );
    expect(none).toMatchObject({ valid: false, violations: [{ field: 'customers' }] });
    expect(tooMany).toMatchObject({
      valid: false,
      violations: [{ field: 'customers', message: 'must hold 1 to 5 customers, got 6' }],
    });
  });

  it('says only that a list is too long, not what is wrong with each of its customers', () => {
    const tooMany = validateInput(
      input({
        customers: Array.from({ length: 6 }, () => ({
          identifierValue: 'not digits',
          source: 'INSTORE' as const,
        })),
      }),
      limits,
    );
    expect(tooMany).toEqual({
      valid: false,
      violations: [{ field: 'customers', message: 'must hold 1 to 5 customers, got 6' }],
    });
  });

  it('lists the first 100 problems of an input and counts the rest', () => {
    const result = validateInput(
      input({
        customers: Array.from({ length: 150 }, () => ({
          identifierValue: 'x',
          source: 'INSTORE' as const,
        })),
      }),
      { maxCustomersPerMutation: 1000 },
    );
    const violations = result.valid ? [] : result.violations;
    expect(violations).toHaveLength(101);
    expect(violations[99]?.field).toBe('customers[99].identifierValue');
    expect(violations[100]).toEqual({
      field: 'input',
      message: 'has 50 more problem(s), not listed; the first 100 are above',
    });
  });

  it.each([
    ['id', '555567088', true],
    ['id', '55556708a', false],
    ['mobile', '+919986000586', true],
    ['mobile', '1234567', false],
    ['mobile', '1234567890123456', false],
    ['email', 'ann@example.com', true],
    ['email', 'ann@example', false],
    ['email', 'not an email', false],
  ] as const)('checks that %s value %p fits the identifier (%p)', (identifierName, value, ok) => {
    const result = validateInput(
      input({ identifierName, customers: [{ identifierValue: value, source: 'ALL' }] }),
      limits,
    );
    expect(result.valid).toBe(ok);
  });

  it('treats emails that differ only in case as the same customer', () => {
    const result = validateInput(
      input({
        identifierName: 'email',
        customers: [
          { identifierValue: 'Ann@Example.com', source: 'ALL' },
          { identifierValue: 'ann@example.com', source: 'ALL' },
        ],
      }),
      limits,
    );
    expect(result).toMatchObject({
      valid: false,
      violations: [{ field: 'customers[1].identifierValue' }],
    });
  });

  describe('earnedIds (revokeEarnings)', () => {
    const withEarns = (earnedIds: string[] | null | undefined) =>
      input({
        customers: [
          {
            identifierValue: '555567088',
            source: 'INSTORE',
            ...(earnedIds === undefined ? {} : { earnedIds }),
          },
        ],
      });
    const fieldsOf = (result: ReturnType<typeof validateInput>) =>
      result.valid ? [] : result.violations.map((v) => [v.field, v.message]);

    it('keeps earnedIds trimmed when given, and leaves them out when absent or null', () => {
      const given = validateInput(withEarns([' 5000001 ', 'E-7']), limits);
      expect(given.valid && given.request.customers).toEqual([
        { identifierValue: '555567088', source: 'INSTORE', earnedIds: ['5000001', 'E-7'] },
      ]);
      for (const absent of [undefined, null]) {
        const result = validateInput(withEarns(absent), limits);
        expect(result.valid && result.request.customers).toEqual([
          { identifierValue: '555567088', source: 'INSTORE' },
        ]);
      }
    });

    it('refuses an empty list: leaving it out is how to revoke every earn', () => {
      expect(fieldsOf(validateInput(withEarns([]), limits))).toEqual([
        [
          'customers[0].earnedIds',
          'must hold 1 to 100 earnedIds when given (leave it out to revoke every earn), got 0',
        ],
      ]);
    });

    it('refuses more than 100 earnedIds for one customer', () => {
      const many = Array.from({ length: 101 }, (_, i) => String(5000000 + i));
      expect(fieldsOf(validateInput(withEarns(many), limits))).toEqual([
        [
          'customers[0].earnedIds',
          'must hold 1 to 100 earnedIds when given (leave it out to revoke every earn), got 101',
        ],
      ]);
      expect(validateInput(withEarns(many.slice(0, 100)), limits).valid).toBe(true);
    });

    it('lists five problems of one earnedIds list and counts the rest under the list', () => {
      const result = validateInput(withEarns(['', '7', '7', '', '7', '7', '', '7', '8']), limits);
      expect(fieldsOf(result)).toEqual([
        ['customers[0].earnedIds[0]', 'must not be empty'],
        ['customers[0].earnedIds[2]', 'is the same earn as customers[0].earnedIds[1]'],
        ['customers[0].earnedIds[3]', 'must not be empty'],
        ['customers[0].earnedIds[4]', 'is the same earn as customers[0].earnedIds[1]'],
        ['customers[0].earnedIds[5]', 'is the same earn as customers[0].earnedIds[1]'],
        [
          'customers[0].earnedIds',
          'has 2 more problem(s) of the same kinds, not listed: each earnedId must be non-empty, at most 64 characters and named once',
        ],
      ]);
    });

    it('refuses empty, over-long and repeated earnedIds, each with its own path', () => {
      const result = validateInput(
        withEarns(['5000001', '', 'x'.repeat(65), '005000001', 'x'.repeat(64), 'E-1', 'E-1']),
        limits,
      );
      expect(fieldsOf(result)).toEqual([
        ['customers[0].earnedIds[1]', 'must not be empty'],
        ['customers[0].earnedIds[2]', 'must be at most 64 characters'],
        ['customers[0].earnedIds[3]', 'is the same earn as customers[0].earnedIds[0]'],
        ['customers[0].earnedIds[6]', 'is the same earn as customers[0].earnedIds[5]'],
      ]);
    });
  });
});
