import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { COMPILE_FROM_USE, compiledExecutor, isCompilable } from '../../src/compiled-executor';

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
    expect(stats).toEqual({ compiled: 1, declined: 0, compiledRuns: 2, interpretedRuns: 9 });
  });
});
