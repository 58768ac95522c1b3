import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config';
import { createPromotionApi } from '../../src/datasources';
import type { BulkActionBody } from '../../src/datasources';
import type { PromotionRequest } from '../../src/domain/promotion';

/** An upstream that answers every customer ISSUED, with entityId = identifierValue. */
async function issuingUpstream() {
  const bodies: BulkActionBody[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BulkActionBody;
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          response: body.customers.map((c, i) => ({
            result: {
              entityId: Number(c.identifierValue),
              programId: 469,
              promotionId: 57099,
              issualId: String(i + 1),
            },
            errors: [],
            warnings: [],
          })),
          totalCount: body.customers.length,
          failureCount: 0,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, bodies, close };
}

const request = (ids: string[]): PromotionRequest => ({
  action: 'ENROL',
  promotion: { programId: 469, promotionId: 57099 },
  identifierName: 'id',
  customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
});
const credentials = { authorization: 'Basic ZGVtby50aWxsOnB3' };

describe('createPromotionApi', () => {
  let upstream: Awaited<ReturnType<typeof issuingUpstream>>;
  beforeAll(async () => {
    upstream = await issuingUpstream();
  });
  afterAll(() => upstream.close());

  it('coalesces concurrent mutations into one REST call and answers each caller its own customers', async () => {
    const api = createPromotionApi(loadConfig({ BATCH_WINDOW_MS: '20' }), upstream.url);
    const before = upstream.bodies.length;
    const deadline = Date.now() + 10_000;
    const [one, two] = await Promise.all([
      api.batcher.submit(request(['11', '12']), credentials, deadline),
      api.batcher.submit(request(['13']), credentials, deadline),
    ]);
    expect(
      upstream.bodies.slice(before).map((b) => b.customers.map((c) => c.identifierValue)),
    ).toEqual([['11', '12', '13']]);
    expect(one.map((o) => (o.kind === 'ISSUED' ? o.entityId : o.kind))).toEqual(['11', '12']);
    expect(two.map((o) => (o.kind === 'ISSUED' ? o.entityId : o.kind))).toEqual(['13']);
    await api.close();
  });

  it('close() dispatches a waiting batch at once, answers it, then closes', async () => {
    const api = createPromotionApi(loadConfig({ BATCH_WINDOW_MS: '1000' }), upstream.url);
    const started = Date.now();
    const pending = api.batcher.submit(request(['21']), credentials, Date.now() + 10_000);
    await api.close();
    expect(Date.now() - started).toBeLessThan(900);
    expect((await pending)[0]).toMatchObject({ kind: 'ISSUED', entityId: '21' });
    expect(api.batcher.queuedCustomers).toBe(0);
  });
});
