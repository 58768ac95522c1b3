/**
 * Emits schema.graphql from the type-graphql classes, or with --check fails when the
 * committed file is stale, breaks the contract of ../shared/contract.graphql, or differs
 * from ../shared/contract-v2.graphql in what a Query reaches or a type it has built.
 */
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BreakingChangeType,
  buildSchema as buildSdlSchema,
  findBreakingChanges,
  findDangerousChanges,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  lexicographicSortSchema,
  printSchema,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { buildGatewaySchema } from '../src/resolvers';

const root = join(__dirname, '..');
const schemaFile = join(root, 'schema.graphql');

/** ../shared/<name>, or the copy in test/schema that travels with the repo for clones without ../shared. */
export function contractFile(name: 'contract.graphql' | 'contract-v2.graphql'): string {
  const shared = join(root, '..', 'shared', name);
  return existsSync(shared) ? shared : join(root, 'test', 'schema', name);
}

/**
 * What `ours` breaks of `contract`. With `builtOnly`, the part of v2 not built yet is left
 * out: root Mutation fields and the types only they reach (undo). Everything a Query
 * reaches must be there and match, and so must every type `ours` has.
 */
export function contractBreaks(
  contract: GraphQLSchema,
  ours: GraphQLSchema,
  builtOnly = false,
): string[] {
  const queryTypes = builtOnly ? reachableFromQuery(contract) : new Set<string>();
  return findBreakingChanges(contract, ours)
    .filter((change) => {
      if (!builtOnly) return true;
      if (change.type === BreakingChangeType.TYPE_REMOVED) {
        const name = /^(\w+) was removed\.$/.exec(change.description)?.[1] ?? '';
        return queryTypes.has(name);
      }
      return !(
        change.type === BreakingChangeType.FIELD_REMOVED && /^Mutation\./.test(change.description)
      );
    })
    .map((change) => change.description);
}

/** Every named type a Query field reaches, through fields, arguments, unions and interfaces. */
export function reachableFromQuery(schema: GraphQLSchema): Set<string> {
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType): void => {
    if (seen.has(type.name)) return;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        visit(getNamedType(field.type));
        for (const arg of field.args) visit(getNamedType(arg.type));
      }
      for (const iface of type.getInterfaces()) visit(iface);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) visit(getNamedType(field.type));
    } else if (isUnionType(type)) {
      for (const member of type.getTypes()) visit(member);
    }
  };
  const query = schema.getQueryType();
  if (query) visit(query);
  return seen;
}

async function main(): Promise<void> {
  const sdl = printSchema(lexicographicSortSchema(await buildGatewaySchema())) + '\n';
  if (!process.argv.includes('--check')) {
    writeFileSync(schemaFile, sdl);
    console.log(`wrote ${schemaFile}`);
    return;
  }
  const committed = existsSync(schemaFile) ? readFileSync(schemaFile, 'utf8') : '';
  if (committed !== sdl) {
    console.error('schema.graphql is stale: run `npm run schema:emit` and commit it.');
    process.exit(1);
  }
  const ours = buildSdlSchema(sdl);
  const v1 = buildSdlSchema(readFileSync(contractFile('contract.graphql'), 'utf8'));
  const v2 = buildSdlSchema(readFileSync(contractFile('contract-v2.graphql'), 'utf8'));
  const breaking = [
    ...contractBreaks(v1, ours),
    ...contractBreaks(v2, ours, true).map((description) => `(v2) ${description}`),
  ];
  if (breaking.length > 0) {
    console.error('schema.graphql breaks the contract:');
    for (const description of breaking) console.error(`- ${description}`);
    process.exit(1);
  }
  // Not breaking, but a client's exhaustive switch over a union needs a new case.
  for (const change of findDangerousChanges(v1, ours)) console.log(`note: ${change.description}`);
  console.log('schema.graphql is up to date and keeps the contract.');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
