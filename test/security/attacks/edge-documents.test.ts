/**
 * Issue 11, finding 9: a flood of distinct documents. Apollo's own document cache counts
 * 30 MiB of JSON, some 140 MB of heap; the gateway's counts heap.
 */
import { DOCUMENT_CACHE_HEAP_BYTES } from '../../../src/graphql/document-cache';
import { collectGarbage } from '../../support/collect-garbage';
import { postJson, startSecureStack, type SecureStack } from '../support';

const DOCUMENTS = 400;

/** A distinct valid mutation of some 1,000 tokens, its customers written inline. */
function inlineMutation(n: number): string {
  const customers = Array.from(
    { length: 120 },
    (_, k) => `{ identifierValue: "${n * 1000 + k}", source: INSTORE }`,
  ).join(' ');
  return (
    `mutation Flood${n} { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, ` +
    `identifierName: ID, customers: [${customers}] }) { __typename } }`
  );
}

describe('a flood of distinct documents', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack();
  });
  afterAll(() => stack.close());

  it(`keeps the document cache within ${DOCUMENT_CACHE_HEAP_BYTES / 2 ** 20} MiB of heap, and the heap with it`, async () => {
    // Warm up: the first request builds what every later one shares.
    await postJson(stack.url, { query: inlineMutation(-1) });
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;

    for (let first = 0; first < DOCUMENTS; first += 50) {
      const batch = Array.from({ length: 50 }, (_, i) => ({ query: inlineMutation(first + i) }));
      const response = await postJson(stack.url, batch);
      // Valid documents, cached, then refused for want of credentials: no API call.
      expect(JSON.stringify(response.json)).toContain('UNAUTHENTICATED');
    }
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

    const { documents } = stack.gateway;
    expect(documents.entries).toBeGreaterThan(0);
    expect(documents.entries).toBeLessThan(DOCUMENTS);
    expect(documents.heapBytes).toBeLessThanOrEqual(DOCUMENT_CACHE_HEAP_BYTES);
    // Apollo's default cache grew the heap by over 100 MB here.
    expect(heapGrowth).toBeLessThan(2 * DOCUMENT_CACHE_HEAP_BYTES);
    expect(stack.sandbox.calls()).toHaveLength(0);
  });
});
