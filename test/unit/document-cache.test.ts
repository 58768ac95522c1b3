import { parse, print, type DocumentNode } from 'graphql';
import { documentCache, documentHeapBytes } from '../../src/graphql/document-cache';
import { collectGarbage } from '../support/collect-garbage';
import { EnrolCustomersDocument } from '../generated/graphql';

/** A distinct operation of the contract's size: some 100 tokens. */
function contractSized(n: number): DocumentNode {
  return parse(print(EnrolCustomersDocument).replace('EnrolCustomers(', `EnrolCustomers${n}(`));
}

/** A distinct mutation of some 1,000 tokens, its customers written inline. */
function inlineSized(n: number): DocumentNode {
  const customers = Array.from(
    { length: 120 },
    (_, k) => `{ identifierValue: "${n * 1000 + k}", source: INSTORE }`,
  ).join(' ');
  return parse(
    `mutation M${n} { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, ` +
      `identifierName: ID, customers: [${customers}] }) { __typename } }`,
  );
}

/** Heap that `count` documents hold, measured after a full collection. */
function heapHeldBy(make: (n: number) => DocumentNode, count: number, offset: number): number {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const documents = Array.from({ length: count }, (_, n) => make(offset + n));
  collectGarbage();
  const measured = process.memoryUsage().heapUsed - before;
  // Keeps the documents alive until after the second measurement.
  expect(documents).toHaveLength(count);
  return measured;
}

describe('documentHeapBytes', () => {
  it.each([
    ['of the contract', contractSized, 400],
    ['with 120 customers inline', inlineSized, 100],
  ])('is at least the heap that documents %s take, and at most twice it', (_shape, make, count) => {
    // The median of three: a jest worker's heap moves on its own now and then.
    const trials = [0, 1, 2].map((t) => heapHeldBy(make, count, t * count)).sort((a, b) => a - b);
    const measured = trials[1]!;
    const estimated = Array.from({ length: count }, (_, n) => make(n)).reduce(
      (sum, document) => sum + documentHeapBytes(document),
      0,
    );
    expect(estimated).toBeGreaterThanOrEqual(measured);
    expect(estimated).toBeLessThanOrEqual(2 * measured);
  });
});

describe('documentCache', () => {
  it('holds at most its heap bound of documents, the least recently used leaving first', async () => {
    const bound = 2 * 1024 * 1024;
    const cache = documentCache(bound);
    const first = contractSized(0);
    await cache.set('0', first);
    for (let n = 1; n < 1000; n++) {
      await cache.set(String(n), contractSized(n));
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
