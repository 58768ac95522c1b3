import { nestingOf } from '../../src/http/document-nesting';

describe('bracket nesting of a GraphQL source', () => {
  it('counts brackets of every kind, outside strings and comments', () => {
    expect(nestingOf('{ a(b: [{ c: 1 }]) { d } }', 100)).toBe(4);
    expect(nestingOf('{ a(b: "{{{{[[[[") }', 100)).toBe(2);
    expect(nestingOf('{ a(b: """ {{{{ \\""" ((( """) }', 100)).toBe(2);
    expect(nestingOf('# {{{{{{\n{ a }', 100)).toBe(1);
    expect(nestingOf('{ a(b: "\\"{{{{") }', 100)).toBe(2);
  });

  it('stops counting past the limit', () => {
    expect(nestingOf('{'.repeat(1_000_000), 64)).toBe(65);
  });
});
