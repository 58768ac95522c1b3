/** The seeded demo world and the credentials printed for humans. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { curlExample, sandboxBanner } from '../../src/sandbox/banner';
import { buildDemoData, serializeDemoData } from '../../src/sandbox/generate-demo-data';
import {
  ACME_CREDENTIALS,
  DEFAULT_FAULTS,
  DEMO_CREDENTIALS,
  demoCustomers,
  startSandbox,
  type RunningSandbox,
} from './sandbox-api';
import { enrolAndEarn, requestBody } from './helpers';

describe('demo data', () => {
  it('the committed demo-data.json is exactly what generate-demo-data.ts builds', () => {
    const committed = readFileSync(join(__dirname, '../../src/sandbox/demo-data.json'), 'utf8');
    expect(committed).toBe(serializeDemoData(buildDemoData()));
  });

  it('demo has the vendor example customers and at least 2,000 customers, all distinct', () => {
    const customers = demoCustomers('demo');
    expect(customers.length).toBeGreaterThanOrEqual(2000);
    expect(customers.map((c) => c.id)).toContain('555567088');
    expect(customers.map((c) => c.mobile)).toEqual(
      expect.arrayContaining(['11223569865', '919986000586']),
    );
    for (const field of ['id', 'mobile', 'email'] as const) {
      expect(new Set(customers.map((c) => c[field])).size).toBe(customers.length);
    }
    expect(customers[2]).toEqual({
      id: '100000001',
      mobile: '919000000001',
      email: 'customer1@example.com',
    });
  });

  it('acme has at least 100 customers of its own and shares one person with demo under another id', () => {
    const acme = demoCustomers('acme');
    const demo = demoCustomers('demo');
    expect(acme.length).toBeGreaterThanOrEqual(100);
    const shared = acme.filter((a) => demo.some((d) => d.mobile === a.mobile));
    expect(shared).toHaveLength(1);
    expect(shared[0]?.id).not.toBe(demo.find((d) => d.mobile === shared[0]?.mobile)?.id);
  });

  it('demoCustomers of an unknown org is empty', () => {
    expect(demoCustomers('nobody')).toEqual([]);
  });
});

describe('every demo customer is a real person to the API', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it.each([
    ['id', 'id'],
    ['mobile', 'mobile'],
    ['email', 'email'],
  ] as const)('enrols the last 100 demo customers by %s', async (identifierName, field) => {
    const customers = demoCustomers('demo').slice(-100);
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ identifierName, values: customers.map((c) => c[field]) }),
    );
    expect(status).toBe(200);
    expect(envelope.response.map((item) => String(item.result?.entityId))).toEqual(
      customers.map((c) => c.id),
    );
  });

  it('enrols acme customers with acme credentials', async () => {
    const customers = demoCustomers('acme').slice(0, 100);
    const { status } = await enrolAndEarn(
      sandbox.url,
      requestBody({ programId: 699, promotionId: 74116, values: customers.map((c) => c.id) }),
      { Authorization: ACME_CREDENTIALS.authorizationHeader },
    );
    expect(status).toBe(200);
  });

  it("the banner's curl example is the vendor's first request with a working Authorization header", async () => {
    const curl = curlExample(sandbox.url);
    const body = /-d '(.*)'$/m.exec(curl)?.[1];
    const auth = /-H 'Authorization: (.*)'/.exec(curl)?.[1];
    expect(auth).toBe(DEMO_CREDENTIALS.authorizationHeader);
    const { status, envelope } = await enrolAndEarn(sandbox.url, body, {
      Authorization: auth ?? '',
    });
    expect(status).toBe(200);
    expect(envelope.response[0]?.result?.entityId).toBe(555567088);
  });

  it('the banner prints the URL and both kinds of demo credentials', () => {
    const banner = sandboxBanner(sandbox.url, DEFAULT_FAULTS);
    expect(banner).toContain(sandbox.url);
    expect(banner).toContain(DEMO_CREDENTIALS.authorizationHeader);
    expect(banner).toContain('demo-key / demo-secret');
  });
});
