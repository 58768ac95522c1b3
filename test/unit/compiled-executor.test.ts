import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import {
  MAX_COMPILED_FIELDS,
  expandedFieldCount,
  inputTypesWithDefaults,
  isCompilable,
  objectLiteralOfTypes,
} from '../../src/graphql/compilable';
import { COMPILE_FROM_USE, compiledExecutor } from '../../src/graphql/compiled-executor';

const schema = buildSchema(`
  input Item { name: String!, size: Int }
  type Query { echo(item: Item!): String, hello: String }
  type Mutation { one(item: Item!): String, two: String }
`);
schema.getQueryType()!.getFields()['hello']!.resolve = () => 'hi';

function operationOf(source: string): {
  document: ReturnType<typeof parse>;
  operation: OperationDefinitionNode;
} {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === 'OperationDefinition',
  );
  if (operation === undefined) throw new Error('no operation');
  return { document, operation };
}

function compilable(source: string, inputFieldDefaults = false): boolean {
  const { document, operation } = operationOf(source);
  return isCompilable(document, operation, inputFieldDefaults);
}

describe('isCompilable', () => {
  it('takes queries, one-field mutations, bare variables and literals without variables', () => {
    expect(compilable('{ hello a: hello }')).toBe(true);
    expect(compilable('mutation($i: Item!) { one(item: $i) }')).toBe(true);
    expect(compilable('mutation { one(item: { name: "x", size: 1 }) }')).toBe(true);
    expect(compilable('query($skip: Boolean!) { hello @skip(if: $skip) }')).toBe(true);
  });

  it('leaves mutations of more than one root field to graphql-js, fragments included', () => {
    expect(compilable('mutation { one(item: { name: "x" }) two }')).toBe(false);
    expect(compilable('mutation { ...F } fragment F on Mutation { two }')).toBe(false);
  });

  it('leaves a variable inside a literal to graphql-js, in fragments too', () => {
    expect(compilable('query($n: String) { echo(item: { name: $n }) }')).toBe(false);
    expect(compilable('query($n: String) { list(items: [{ name: $n }]) }')).toBe(false);
    expect(
      compilable('query($n: String) { ...F } fragment F on Query { echo(item: { name: $n }) }'),
    ).toBe(false);
  });

  it('leaves literal objects to graphql-js when the schema has input field defaults', () => {
    expect(compilable('{ echo(item: { name: "x" }) }', true)).toBe(false);
    expect(compilable('{ list(items: [{ name: "x" }]) }', true)).toBe(false);
    expect(compilable('query($i: Item!) { echo(item: $i) }', true)).toBe(true);
  });
});

/** `{ hello ...F0 }` where each of `levels` fragments selects `hello` and spreads the next twice. */
function fanOut(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) =>
    i < levels - 1
      ? `fragment F${i} on Query { hello ...F${i + 1} ...F${i + 1} }`
      : `fragment F${i} on Query { hello }`,
  );
  return `{ hello ...F0 } ${fragments.join(' ')}`;
}

describe('expandedFieldCount', () => {
  it('counts every field a spread brings in, nested fields and inline fragments included', () => {
    const { document, operation } = operationOf(
      '{ hello ...A ... on Query { ...A echo(item: { name: "x" }) } } fragment A on Query { hello a: hello }',
    );
    expect(expandedFieldCount(document, operation)).toBe(6);
  });

  it('counts a 30-level fan-out (2^30 fields) in the time its text takes', () => {
    const { document, operation } = operationOf(fanOut(30));
    expect(expandedFieldCount(document, operation)).toBe(2 ** 30);
  });

  it('ends a fragment cycle instead of recursing forever', () => {
    const { document, operation } = operationOf(
      '{ ...A } fragment A on Query { hello ...B } fragment B on Query { hello ...A }',
    );
    expect(expandedFieldCount(document, operation)).toBe(2);
  });
});

describe('isCompilable and document size', () => {
  it(`leaves operations that expand to more than ${MAX_COMPILED_FIELDS} fields to graphql-js`, () => {
    // 2^9 = 512 fields, then 2^10 = 1024.
    expect(compilable(fanOut(9))).toBe(true);
    expect(compilable(fanOut(10))).toBe(false);
    expect(compilable(fanOut(30))).toBe(false);
  });
});

describe('compiledExecutor', () => {
  it(`runs an operation on graphql-js ${COMPILE_FROM_USE - 1} times, then compiled`, async () => {
    const { gateway, stats } = compiledExecutor(schema);
    const { executor } = await gateway.load({ apollo: {} });
    const { document, operation } = operationOf('{ hello }');
    const request = { document, operation, queryHash: 'h', request: {}, context: {} };
    for (let run = 1; run <= COMPILE_FROM_USE + 1; run++) {
      // The executor reads only these fields of Apollo's request context.
      const result = await executor!(
        request as unknown as Parameters<NonNullable<typeof executor>>[0],
      );
      expect(result).toEqual({ data: { hello: 'hi' } });
    }
    expect(stats).toMatchObject({
      compiled: 1,
      declined: 0,
      compiledRuns: 2,
      interpretedRuns: 9,
      operations: 1,
    });
  });

  it('remembers operations within its heap bound, compiled ones counted with their document', async () => {
    const maxHeapBytes = 256 * 1024;
    const { gateway, stats } = compiledExecutor(schema, { fromUse: 1, maxHeapBytes });
    const { executor } = await gateway.load({ apollo: {} });
    for (let n = 0; n < 200; n++) {
      const aliases = Array.from({ length: 10 }, (_, k) => `a${k}: hello`).join(' ');
      const { document, operation } = operationOf(`query Q${n} { ${aliases} }`);
      const request = { document, operation, queryHash: `h${n}`, request: {}, context: {} };
      const result = await executor!(
        request as unknown as Parameters<NonNullable<typeof executor>>[0],
      );
      expect(result).toEqual({ data: expect.objectContaining({ a0: 'hi', a9: 'hi' }) });
      expect(stats.heapBytes).toBeLessThanOrEqual(maxHeapBytes);
    }
    expect(stats.compiled).toBe(200);
    expect(stats.operations).toBeLessThan(200);
    expect(stats.operations).toBeGreaterThan(0);
  });
});

describe('object literals of input types with field defaults (graphql-jit #142)', () => {
  const withDefaults = buildSchema(`
    input Page { first: Int = 20, after: String }
    input Lookup { page: Page, name: String! }
    input Plain { name: String! }
    type Query { find(lookup: Lookup!): String, plain(item: Plain!): String, page(page: Page): String }
  `);
  const types = inputTypesWithDefaults(withDefaults);
  const literalOfDefaults = (source: string) =>
    objectLiteralOfTypes(withDefaults, parse(source), types);

  it('finds the types with a default and every type that holds one', () => {
    expect([...types].sort()).toEqual(['Lookup', 'Page']);
  });

  it('finds an object literal given for such a type, also one holding it', () => {
    expect(literalOfDefaults('{ page(page: { after: "x" }) }')).toBe(true);
    expect(literalOfDefaults('{ find(lookup: { name: "a" }) }')).toBe(true);
  });

  it('leaves literals of types without defaults, and variables of any type, to be compiled', () => {
    expect(literalOfDefaults('{ plain(item: { name: "a" }) }')).toBe(false);
    expect(literalOfDefaults('query($l: Lookup!) { find(lookup: $l) }')).toBe(false);
  });
});
