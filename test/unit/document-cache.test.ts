import { parse, print, type DocumentNode } from 'graphql';
import { BoundedMemo, documentCache, documentHeapBytes } from '../../src/graphql/document-cache';
import { collectGarbage } from '../faults/support';
import { EnrolCustomersDocument } from '../generated/graphql';

describe('BoundedMemo', () => {
  it('remembers what it was given', () => {
    const memo = new BoundedMemo<number>(3, 10);
    memo.set('a', 1);
    expect(memo.get('a')).toBe(1);
    expect(memo.get('b')).toBeUndefined();
  });

  it('never keeps a key longer than its bound', () => {
    const memo = new BoundedMemo<number>(3, 4);
    memo.set('abcd', 1);
    memo.set('abcde', 2);
    expect(memo.get('abcd')).toBe(1);
    expect(memo.get('abcde')).toBeUndefined();
  });

  it('starts over when it holds its bound of entries', () => {
    const memo = new BoundedMemo<number>(2, 10);
    memo.set('a', 1);
    memo.set('b', 2);
    memo.set('c', 3);
    expect([memo.get('a'), memo.get('b'), memo.get('c')]).toEqual([undefined, undefined, 3]);
  });
});

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

describe('documentHeapBytes', () => {
  it.each([
    ['of the contract', contractSized, 400],
    ['with 120 customers inline', inlineSized, 100],
  ])('is at least the heap that documents %s take, and at most twice it', (_shape, make, count) => {
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const documents = Array.from({ length: count }, (_, n) => make(n));
    collectGarbage();
    const measured = process.memoryUsage().heapUsed - before;
    const estimated = documents.reduce((sum, document) => sum + documentHeapBytes(document), 0);
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
