import { withoutEchoedValues } from '../../src/graphql/error-policy';

describe('withoutEchoedValues', () => {
  it.each([
    [
      'Variable "$input" got invalid value 7654321 at "input.customers[0].identifierValue"; String cannot represent a non string value: 7654321',
      'Variable "$input" got invalid value [...] at "input.customers[0].identifierValue"; String cannot represent a non string value: [...]',
    ],
    [
      'Expected value of type "Int!", found "7654321".',
      'Expected value of type "Int!", found [...].',
    ],
    [
      'Int cannot represent non-integer value: "76\\"54321"',
      'Int cannot represent non-integer value: [...]',
    ],
    [
      'got invalid value { identifierValue: 7654321 } at "input"',
      'got invalid value [...] at "input"',
    ],
  ])('leaves the reason of %j and drops the value graphql-js quoted', (message, expected) => {
    expect(withoutEchoedValues(message)).toBe(expected);
  });

  it('keeps a message that quotes no value as it is', () => {
    const message = 'Cannot query field "nope" on type "Query".';
    expect(withoutEchoedValues(message)).toBe(message);
  });
});
