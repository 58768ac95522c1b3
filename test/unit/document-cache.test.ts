import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parse, print } from 'graphql';
import { documentCache, documentHeapBytes } from '../../src/graphql/document-cache';
import { EnrolCustomersDocument } from '../generated/graphql';

/** A distinct operation of the contract's size: some 100 tokens. */
function contractSized(n: number): string {
  return print(EnrolCustomersDocument).replace('EnrolCustomers(', `EnrolCustomers${n}(`);
}

/** A distinct mutation of some 1,000 tokens, its customers written inline. */
function inlineSized(n: number): string {
  const customers = Array.from(
    { length: 120 },
    (_, k) => `{ identifierValue: "${n * 1000 + k}", source: INSTORE }`,
  ).join(' ');
  return (
    `mutation M${n} { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, ` +
    `identifierName: ID, customers: [${customers}] }) { __typename } }`
  );
}

/**
 * Heap that graphql-js's parse of `sources` holds, the median of three rounds, measured in
 * a fresh node of its own: a jest worker's heap moves with its neighbours' work.
 */
function heapHeldByParsing(sources: string[]): number {
  const measure = `
    const { parse } = require('graphql');
    const sources = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const rounds = [0, 1, 2].map(() => {
      gc();
      const before = process.memoryUsage().heapUsed;
      const documents = sources.map((source) => parse(source));
      gc();
      const held = process.memoryUsage().heapUsed - before;
      if (documents.length !== sources.length) throw new Error('lost a document');
      return held;
    });
    process.stdout.write(String(rounds.sort((a, b) => a - b)[1]));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', measure], {
    input: JSON.stringify(sources),
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  return Number(out);
}

describe('documentHeapBytes', () => {
  it.each([
    ['of the contract', contractSized, 400],
    ['with 120 customers inline', inlineSized, 100],
  ])('is at least the heap that documents %s take, and at most twice it', (_shape, make, count) => {
    const sources = Array.from({ length: count }, (_, n) => make(n));
    const measured = heapHeldByParsing(sources);
    expect(measured).toBeGreaterThan(0);
    const estimated = sources.reduce((sum, source) => sum + documentHeapBytes(parse(source)), 0);
    expect(estimated).toBeGreaterThanOrEqual(measured);
    expect(estimated).toBeLessThanOrEqual(2 * measured);
  });
});

describe('documentCache', () => {
  it('holds at most its heap bound of documents, the least recently used leaving first', async () => {
    const bound = 2 * 1024 * 1024;
    const cache = documentCache(bound);
    const first = parse(contractSized(0));
    await cache.set('0', first);
    for (let n = 1; n < 1000; n++) {
      await cache.set(String(n), parse(contractSized(n)));
      // The first stays in use.
      if (n % 10 === 0) expect(await cache.get('0')).toBe(first);
      expect(cache.heapBytes).toBeLessThanOrEqual(bound);
    }
    expect(cache.entries).toBeLessThan(1000);
    expect(cache.entries).toBeGreaterThan(bound / (2 * documentHeapBytes(first)));
    expect(await cache.get('0')).toBe(first);
    expect(await cache.get('1')).toBeUndefined();
    expect(await cache.get('999')).toBeDefined();
  });
});
