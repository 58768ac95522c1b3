import { createHash } from 'node:crypto';
import { canonicalJsonOf, inputHashOf } from '../../src/idempotency/input-hash';

describe('inputHashOf', () => {
  const input = {
    promotion: { programId: 469, promotionId: 57099 },
    identifierName: 'MOBILE',
    customers: [
      { identifierValue: '11223569865', source: 'INSTORE' },
      { identifierValue: '919986000586', source: 'WEB_ENGAGE' },
    ],
  };

  it('is the sha256 hex of the canonical JSON, keys sorted at every depth', () => {
    expect(canonicalJsonOf({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"e":2,"f":1}]},"b":1}',
    );
    const expected = createHash('sha256').update(canonicalJsonOf(input)).digest('hex');
    expect(inputHashOf(input)).toBe(expected);
    expect(inputHashOf(input)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of object keys', () => {
    const reordered = {
      customers: [
        { source: 'INSTORE', identifierValue: '11223569865' },
        { source: 'WEB_ENGAGE', identifierValue: '919986000586' },
      ],
      identifierName: 'MOBILE',
      promotion: { promotionId: 57099, programId: 469 },
    };
    expect(inputHashOf(reordered)).toBe(inputHashOf(input));
  });

  it('depends on the order of array items', () => {
    const swapped = { ...input, customers: [input.customers[1], input.customers[0]] };
    expect(inputHashOf(swapped)).not.toBe(inputHashOf(input));
  });

  it('tells values apart that differ only in type or in one field', () => {
    expect(inputHashOf({ programId: 469 })).not.toBe(inputHashOf({ programId: '469' }));
    expect(inputHashOf({ promotionId: null })).not.toBe(inputHashOf({}));
    expect(inputHashOf({ ...input, identifierName: 'ID' })).not.toBe(inputHashOf(input));
    expect(inputHashOf(['a,b'])).not.toBe(inputHashOf(['a', 'b']));
  });

  it('treats an undefined property as absent and follows JSON for dates and non-finite numbers', () => {
    expect(inputHashOf({ a: 1, b: undefined })).toBe(inputHashOf({ a: 1 }));
    expect(canonicalJsonOf([undefined, NaN, new Date(0)])).toBe(
      '[null,null,"1970-01-01T00:00:00.000Z"]',
    );
  });

  it('hashes class instances by their own fields, as GraphQL input classes arrive', () => {
    class PromotionRefInput {
      constructor(
        readonly programId: number,
        readonly promotionId: number,
      ) {}
    }
    expect(inputHashOf(new PromotionRefInput(469, 57099))).toBe(
      inputHashOf({ promotionId: 57099, programId: 469 }),
    );
  });

  it('refuses a cyclic value instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => inputHashOf(cyclic)).toThrow(TypeError);
  });

  it('hashes a value that appears twice without calling it cyclic', () => {
    const shared = { programId: 469 };
    expect(() => inputHashOf({ first: shared, second: shared })).not.toThrow();
  });
});
