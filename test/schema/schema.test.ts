import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLSchema,
} from 'graphql';
import { contractBreaks, contractFile } from '../../scripts/emit-schema';
import { buildGatewaySchema } from '../../src/resolvers';

const root = join(__dirname, '..', '..');
const shared = join(root, '..', 'shared');
/** Copies travel with the repo so that a clone without ../shared still checks the contract. */
const hasShared = existsSync(join(shared, 'contract.graphql'));
const contract = (name: 'contract.graphql' | 'contract-v2.graphql') =>
  buildSchema(readFileSync(contractFile(name), 'utf8'));

describe('the gateway schema', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it('has no breaking change against the contract of DESIGN.md §2', () => {
    expect(contractBreaks(contract('contract.graphql'), schema)).toEqual([]);
  });

  it('matches contract-v2 in every type it has built (CustomerBusyError among the outcomes)', () => {
    expect(contractBreaks(contract('contract-v2.graphql'), schema, true)).toEqual([]);
  });

  it("checks everything v2's Query reaches, leaving out only the undo mutations not built yet", () => {
    const breaks = contractBreaks(
      contract('contract-v2.graphql'),
      contract('contract.graphql'),
      true,
    );
    expect(breaks).toEqual(
      expect.arrayContaining([
        'Query.customerPromotions was removed.',
        'Query.promotion was removed.',
        'CustomerPromotion was removed.',
      ]),
    );
    expect(breaks.filter((b) => /revoke|Revocation|Revoke/.test(b))).toEqual([]);
  });

  (hasShared ? it.each : it.skip.each)(['contract.graphql', 'contract-v2.graphql'])(
    'keeps its copy of %s saying what the one in ../shared says',
    (name) => {
      const printed = (file: string) => printSchema(buildSchema(readFileSync(file, 'utf8')));
      expect(printed(join(__dirname, name))).toBe(printed(join(shared, name)));
    },
  );

  it('is what the committed schema.graphql says', () => {
    const committed = readFileSync(join(root, 'schema.graphql'), 'utf8');
    expect(printSchema(lexicographicSortSchema(schema)) + '\n').toBe(committed);
  });

  it('resolves every output field but the root ones by plain property access', () => {
    // `simpleResolvers` on every @ObjectType: type-graphql otherwise wraps each field of
    // each result in a resolver of its own, ~10,000 calls for a 1,000-customer answer.
    const wrapped: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (field.resolve !== undefined) wrapped.push(`${type.name}.${field.name}`);
      }
    }
    expect(wrapped.sort()).toEqual([
      'CustomerPromotion.definition',
      // Charges the request's violation budget once per alias (violation-budget.ts).
      'InvalidInputError.violations',
      'Mutation.earnPromotion',
      'Mutation.enrolCustomers',
      'Mutation.revokeEarnings',
      'Mutation.revokeEnrolments',
      'Query.customerPromotions',
      'Query.gatewayLimits',
      'Query.promotion',
    ]);
  });

  it('describes every type, field, argument and enum value', () => {
    const undescribed: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (
        type.name.startsWith('__') ||
        ['String', 'Int', 'Boolean', 'ID', 'Float'].includes(type.name)
      ) {
        continue;
      }
      const isRoot = type.name === 'Query' || type.name === 'Mutation';
      if (!type.description && !isRoot) undescribed.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) undescribed.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) undescribed.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description && type.name !== 'CustomerSource')
            undescribed.push(`${type.name}.${value.name}`);
        }
      }
      if (isUnionType(type) && type.getTypes().length === 0)
        undescribed.push(`${type.name} (empty)`);
    }
    expect(undescribed).toEqual([]);
  });
});
