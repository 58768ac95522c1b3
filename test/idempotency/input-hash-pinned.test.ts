import { canonicalJsonOf, inputHashOf } from '../../src/idempotency/input-hash';

/**
 * Hashes taken from the hand-written canonical JSON this module used before it moved to a
 * library: records in Redis outlive a rolling deploy, so the hashed text must not change.
 */
describe('inputHashOf keeps the hashes of earlier releases', () => {
  class PromotionRefInput {
    constructor(
      readonly programId: number,
      readonly promotionId: number,
    ) {}
  }

  const pinned: Array<[string, unknown, string, string]> = [
    [
      'a contract mutation',
      {
        operation: 'enrolCustomers',
        input: {
          promotion: { programId: 469, promotionId: 57099 },
          identifierName: 'MOBILE',
          customers: [
            { identifierValue: '11223569865', source: 'INSTORE' },
            { identifierValue: '919986000586', source: 'WEB_ENGAGE' },
          ],
        },
      },
      '{"input":{"customers":[{"identifierValue":"11223569865","source":"INSTORE"},{"identifierValue":"919986000586","source":"WEB_ENGAGE"}],"identifierName":"MOBILE","promotion":{"programId":469,"promotionId":57099}},"operation":"enrolCustomers"}',
      '781237f1a31aef1b2a67364f8272c9d94ff35b522e84bee4c58dd63c5a93b285',
    ],
    [
      'nested objects and arrays',
      { b: 1, a: { d: [3, { f: 1, e: 2 }], c: 'x' } },
      '{"a":{"c":"x","d":[3,{"e":2,"f":1}]},"b":1}',
      '7d049f1b0daf959ec90d38211977ec0ffee8e2ef26a976f6b10a87abf61d127f',
    ],
    [
      'JSON rules for numbers, dates and holes',
      [
        undefined,
        NaN,
        Infinity,
        -Infinity,
        new Date(0),
        null,
        -0,
        1e21,
        0.1,
        123456789012345680000,
        5e-324,
        true,
        false,
      ],
      '[null,null,null,null,"1970-01-01T00:00:00.000Z",null,0,1e+21,0.1,123456789012345680000,5e-324,true,false]',
      'c5546ca9ef19aa18dcb26b1b2146a59f48471c6e128d6bb8342161ae6d4ca63e',
    ],
    [
      'escapes, lone surrogates and non-ASCII keys',
      {
        é: 'ünïé',
        Z: '"\\\n\t\u0000\u001f\u007f\u2028\u2029',
        a: '\ud800 lone \udfff',
        emoji: '😀',
        '': '',
      },
      '{"":"","Z":"\\"\\\\\\n\\t\\u0000\\u001f\u007f\u2028\u2029","a":"\\ud800 lone \\udfff","emoji":"😀","é":"ünïé"}',
      '29c6a8b4b0480f9c1ab02ca4f2b18b50a919d01ee91163f7c42de373140f0d3d',
    ],
    [
      'keys in code-unit order, integer-like and __proto__ included',
      JSON.parse('{"__proto__":1,"b":2,"B":3,"10":4,"9":5,"a\\u0000":6}'),
      '{"10":4,"9":5,"B":3,"__proto__":1,"a\\u0000":6,"b":2}',
      'd1e9622e696ca548955b84de03eae4998542f879e9047385325be290efc995c2',
    ],
    [
      'a class instance by its own fields',
      new PromotionRefInput(469, 57099),
      '{"programId":469,"promotionId":57099}',
      '40b64313077d61f6768cb6633e70455896a534ab36a68a571c02ce4a18a7db19',
    ],
    [
      'empty values',
      [{}, [], '', 0],
      '[{},[],"",0]',
      'eaaf37915530665f6466b0a1e256bd87916076779433cf9d12b30ee9f1c41c33',
    ],
    [
      'members JSON leaves out',
      { a: 1, b: undefined, c: () => 1, d: Symbol('x') },
      '{"a":1}',
      '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    ],
    [
      'a bare string',
      'plain',
      '"plain"',
      '945603a8f587786b463c3f94fce115c0fae88fac2728cc96ddf5981cf7f61741',
    ],
  ];

  it.each(pinned)('hashes %s as before', (_name, value, text, hash) => {
    expect(canonicalJsonOf(value)).toBe(text);
    expect(inputHashOf(value)).toBe(hash);
  });

  it('writes a value JSON leaves out as null, as before', () => {
    expect(canonicalJsonOf(undefined)).toBe('null');
    expect(canonicalJsonOf(() => 1)).toBe('null');
  });
});
