/**
 * Emits schema.graphql from the type-graphql classes, or with --check fails when the
 * committed file is stale or breaks the contract of ../shared/contract.graphql.
 */
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema as buildSdlSchema,
  findBreakingChanges,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';
import { buildGatewaySchema } from '../src/schema';

const root = join(__dirname, '..');
const schemaFile = join(root, 'schema.graphql');
const sharedContract = join(root, '..', 'shared', 'contract.graphql');
// The copy in test/schema travels with the repo for clones made without ../shared.
const contractFile = existsSync(sharedContract)
  ? sharedContract
  : join(root, 'test', 'schema', 'contract.graphql');

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
  {
    const breaking = findBreakingChanges(
      buildSdlSchema(readFileSync(contractFile, 'utf8')),
      buildSdlSchema(sdl),
    );
    if (breaking.length > 0) {
      console.error('schema.graphql breaks the contract:');
      for (const change of breaking) console.error(`- ${change.description}`);
      process.exit(1);
    }
  }
  console.log('schema.graphql is up to date and keeps the contract.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
