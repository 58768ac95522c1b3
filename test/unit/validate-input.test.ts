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
});
