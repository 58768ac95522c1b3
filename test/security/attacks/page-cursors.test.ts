/**
 * customerPromotions' `after` attacked over HTTP (DESIGN §8: "`after` a cursor this
 * gateway issued"). A cursor is opaque to clients, but its format is public: an outsider
 * who decodes one can rewrite its offset, or compute a cursor for any query, and another
 * caller can replay one it was never issued. Each must be refused as input, with no call
 * to the API; the cursor as issued keeps working.
 */
import { loadConfig } from '../../../src/config';
import {
  asPage,
  byId,
  customerPromotions,
  demoAuth,
  demoOAuthToken,
  lookups,
  startReadStack,
  type CustomerPromotionsPayload,
  type ReadStack,
} from '../../read-side/support';

const ASHA = '555567088';

/** An issued cursor's JSON with `change` applied, encoded as the gateway encodes it. */
function rewritten(cursor: string, change: Record<string, unknown>): string {
  const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as object;
  return Buffer.from(JSON.stringify({ ...parsed, ...change })).toString('base64url');
}

function expectRefusedAfter(payload: CustomerPromotionsPayload): void {
  expect(payload).toMatchObject({
    __typename: 'InvalidInputError',
    violations: [expect.objectContaining({ field: 'after' })],
  });
}

describe('page cursors against a hostile caller', () => {
  let stack: ReadStack;
  let url: string;
  let cursor: string;

  beforeAll(async () => {
    stack = await startReadStack();
    url = stack.url;
    const page = asPage(await customerPromotions(url, byId(ASHA, { first: 1 })));
    expect(page.pageInfo.hasNextPage).toBe(true);
    cursor = page.pageInfo.endCursor!;
  });
  afterAll(() => stack.close());

  it('refuses an issued cursor whose offset was rewritten, and sends nothing', async () => {
    const before = lookups(stack.upstream.calls).length;
    expect(before).toBe(1);
    for (const o of [3, 0, Number.MAX_SAFE_INTEGER]) {
      expectRefusedAfter(
        await customerPromotions(url, byId(ASHA, { first: 1, after: rewritten(cursor, { o }) })),
      );
    }
    expect(lookups(stack.upstream.calls)).toHaveLength(before);
  });

  it('refuses a cursor it did not issue to this caller, even for the same customer and filters', async () => {
    const token = await demoOAuthToken(stack.sandbox.url);
    // The same org through OAuth: it may read Asha, but it was not given this page.
    const own = asPage(
      await customerPromotions(url, byId(ASHA, { first: 1 }), { 'x-cap-api-oauth-token': token }),
    );
    expect(own.totalCount).toBeGreaterThan(1);
    expectRefusedAfter(
      await customerPromotions(url, byId(ASHA, { first: 1, after: cursor }), {
        'x-cap-api-oauth-token': token,
      }),
    );
  });

  it('still pages with the cursor as issued', async () => {
    const next = asPage(
      await customerPromotions(url, byId(ASHA, { first: 1, after: cursor }), demoAuth),
    );
    expect(next.promotions).toHaveLength(1);
    const first = asPage(await customerPromotions(url, byId(ASHA, { first: 2 })));
    expect(next.promotions[0]!.promotionId).toBe(first.promotions[1]!.promotionId);
  });
});

describe('page cursors across replicas', () => {
  const SECRET = 'a-cursor-secret-shared-by-every-replica';
  let one: ReadStack;
  let two: ReadStack;
  let stranger: ReadStack;

  beforeAll(async () => {
    [one, two, stranger] = await Promise.all([
      startReadStack({ CURSOR_SECRET: SECRET }),
      startReadStack({ CURSOR_SECRET: SECRET }),
      startReadStack(),
    ]);
  });
  afterAll(() => Promise.all([one, two, stranger].map((stack) => stack?.close())));

  it('pages on any replica of the same CURSOR_SECRET, and nowhere else', async () => {
    const page = asPage(await customerPromotions(one.url, byId(ASHA, { first: 1 })));
    const after = page.pageInfo.endCursor!;
    const next = asPage(await customerPromotions(two.url, byId(ASHA, { first: 1, after })));
    expect(next.promotions).toHaveLength(1);
    expectRefusedAfter(await customerPromotions(stranger.url, byId(ASHA, { first: 1, after })));
  });

  it('refuses to start with a CURSOR_SECRET short enough to guess', () => {
    expect(() => loadConfig({ CURSOR_SECRET: 'short' })).toThrow(/CURSOR_SECRET/);
  });
});
