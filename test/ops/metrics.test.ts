/**
 * DESIGN §10 metrics through a real gateway and sandbox: the counters move by exactly what
 * the mutations did, as the sandbox's own call log tells it.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import {
  CustomerPromotionsDocument,
  CustomerPromotionsWithDefinitionsDocument,
  EarnPromotionDocument,
  EnrolCustomersDocument,
  PromotionDefinitionDocument,
  RevokeEarningsDocument,
} from '../generated/graphql';
import { DEMO_CREDENTIALS, demoCustomers, getCalls } from '../sandbox/sandbox-api';
import { eventually } from '../support/eventually';
import { execute, startStack, type Stack } from '../support/stack';

const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const promotion = { programId: 469, promotionId: 57099 };

let stack: Stack;
let metricsUrl: string;

async function scrape(): Promise<PrometheusFamily[]> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await response.text());
}

function family(families: PrometheusFamily[], name: string): PrometheusFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  return found;
}

/** Every sample of a counter or gauge, keyed by its labels in a stable order. */
function samples(families: PrometheusFamily[], name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of family(families, name).metrics) {
    const labels = Object.entries(sample.labels ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[labels] = Number(sample.value);
  }
  return out;
}

/**
 * `gateway_upstream_call_seconds` observations per endpoint, read from its `_count` series:
 * parse-prometheus-text-format folds a labelled histogram into one metric without labels.
 */
async function callSecondsByEndpoint(): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const out: Record<string, number> = {};
  for (const [, endpoint, count] of text.matchAll(
    /^gateway_upstream_call_seconds_count\{endpoint="([^"]*)"\} (\d+)$/gm,
  )) {
    out[`endpoint=${endpoint}`] = Number(count);
  }
  return out;
}

/** `endpoint=…,status=…` counts summed per endpoint. */
function perEndpoint(byStatus: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [label, n] of Object.entries(byStatus)) {
    const endpoint = label.replace(/,status=.*$/, '');
    out[endpoint] = (out[endpoint] ?? 0) + n;
  }
  return out;
}

function delta(before: Record<string, number>, after: Record<string, number>) {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const moved = value - (before[key] ?? 0);
    if (moved !== 0) out[key] = moved;
  }
  return out;
}

beforeAll(async () => {
  // Any free port, bound by the gateway itself (finding one first would race other tests).
  stack = await startStack({ BATCH_WINDOW_MS: '0' }, {}, { metricsPort: 0 });
  metricsUrl = stack.gateway.metricsUrl as string;
  expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/metrics$/);
});

afterAll(async () => {
  await stack?.close();
});

describe('metrics', () => {
  it('counts customers by outcome, calls by status and batch sizes exactly as the mutations did', async () => {
    const ids = demoCustomers('demo')
      .slice(0, 7)
      .map((c) => c.id);
    const before = await scrape();
    const secondsBefore = await callSecondsByEndpoint();
    const callsBefore = (await getCalls(stack.sandbox.url)).length;

    const enrol = (identifierValues: string[], idempotencyKey?: string) =>
      execute(
        stack.gateway.graphqlUrl,
        EnrolCustomersDocument,
        {
          input: {
            promotion,
            identifierName: 'ID',
            customers: identifierValues.map((identifierValue) => ({
              identifierValue,
              source: 'INSTORE' as const,
            })),
            ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          },
        },
        auth,
      );
    // Three calls of 2, 2 and 1 customers.
    for (const group of [ids.slice(0, 2), ids.slice(2, 4), [ids[4] as string]]) {
      const { body } = await enrol(group);
      expect(body.data?.enrolCustomers.__typename).toBe('EnrolCustomersResult');
    }
    // One call: a known customer earns, an unknown one is CustomerNotFoundError.
    const earned = await execute(
      stack.gateway.graphqlUrl,
      EarnPromotionDocument,
      {
        input: {
          promotion,
          identifierName: 'ID',
          customers: [
            { identifierValue: ids[0] as string, source: 'INSTORE' },
            { identifierValue: '999999999999', source: 'INSTORE' },
          ],
        },
      },
      auth,
    );
    const earnOutcomes =
      earned.body.data?.earnPromotion.__typename === 'EarnPromotionResult'
        ? earned.body.data.earnPromotion.results.map((r) => r.outcome.__typename)
        : [];
    expect(earnOutcomes).toEqual(['Earning', 'CustomerNotFoundError']);
    // One call to the revoke endpoint: that earn taken back.
    const revoked = await execute(
      stack.gateway.graphqlUrl,
      RevokeEarningsDocument,
      {
        input: {
          promotion,
          identifierName: 'ID',
          customers: [{ identifierValue: ids[0] as string, source: 'INSTORE' }],
        },
      },
      auth,
    );
    expect(revoked.body.data?.revokeEarnings.__typename).toBe('RevokeEarningsResult');
    // No call: invalid input.
    const invalid = await enrol(['not-digits']);
    expect(invalid.body.data?.enrolCustomers.__typename).toBe('InvalidInputError');
    // One call, then a replay of it without a call.
    const key = `metrics-${Date.now()}`;
    const first = await enrol([ids[5] as string, ids[6] as string], key);
    const replay = await enrol([ids[5] as string, ids[6] as string], key);
    expect(first.body.data?.enrolCustomers).toMatchObject({ replayed: false });
    expect(replay.body.data?.enrolCustomers).toMatchObject({ replayed: true });

    const after = await scrape();
    const calls = (await getCalls(stack.sandbox.url)).slice(callsBefore);
    expect(calls.map((c) => c.customers)).toEqual([2, 2, 1, 2, 1, 2]);

    expect(
      delta(
        samples(before, 'gateway_operations_total'),
        samples(after, 'gateway_operations_total'),
      ),
    ).toEqual({
      'operation=enrolCustomers,payload=EnrolCustomersResult': 5,
      'operation=enrolCustomers,payload=InvalidInputError': 1,
      'operation=earnPromotion,payload=EarnPromotionResult': 1,
      'operation=revokeEarnings,payload=RevokeEarningsResult': 1,
    });
    expect(
      delta(samples(before, 'gateway_customers_total'), samples(after, 'gateway_customers_total')),
    ).toEqual({
      // 5 enrolled, 2 in the keyed mutation and 2 more in its replay.
      'action=ENROL,outcome=Enrolment': 9,
      'action=ENROL,outcome=InvalidInputError': 1,
      'action=EARN,outcome=Earning': 1,
      'action=EARN,outcome=CustomerNotFoundError': 1,
      'action=REVOKE_EARN,outcome=EarningRevocation': 1,
    });
    // What the sandbox received, by the status it answered.
    const byStatus: Record<string, number> = {};
    for (const call of calls) {
      const label = `endpoint=${call.path},status=${call.status}`;
      byStatus[label] = (byStatus[label] ?? 0) + 1;
    }
    expect(
      delta(
        samples(before, 'gateway_upstream_calls_total'),
        samples(after, 'gateway_upstream_calls_total'),
      ),
    ).toEqual(byStatus);
    expect(
      delta(
        samples(before, 'gateway_idempotency_total'),
        samples(after, 'gateway_idempotency_total'),
      ),
    ).toEqual({ 'result=claimed': 1, 'result=replayed': 1 });

    // The batch histogram: one observation per call, its sum the customers sent.
    const batches = (families: PrometheusFamily[]) => {
      const all = family(families, 'gateway_batch_customers').metrics;
      return {
        count: all.reduce((n, m) => n + Number(m.count ?? 0), 0),
        sum: all.reduce((n, m) => n + Number(m.sum ?? 0), 0),
      };
    };
    expect(batches(after).count - batches(before).count).toBe(calls.length);
    expect(batches(after).sum - batches(before).sum).toBe(10);
    // One timing per call, under the endpoint it went to.
    expect(delta(secondsBefore, await callSecondsByEndpoint())).toEqual(perEndpoint(byStatus));
    expect(family(after, 'gateway_batch_customers').type).toBe('HISTOGRAM');

    expect(samples(after, 'gateway_queued_customers')).toEqual({ '': 0 });
    expect(samples(after, 'gateway_circuit_open')).toEqual({ 'path=bulk': 0, 'path=read': 0 });
    // The runtime's default metrics are there too.
    expect(family(after, 'process_cpu_user_seconds_total').type).toBe('COUNTER');
    expect(family(after, 'nodejs_eventloop_lag_seconds').type).toBe('GAUGE');
  });

  it('counts every query by its payload and every read the API received by endpoint and status, a shared one once', async () => {
    const [enrolled, other] = demoCustomers('demo').slice(10, 12);
    const enrol = await execute(
      stack.gateway.graphqlUrl,
      EnrolCustomersDocument,
      {
        input: {
          promotion,
          identifierName: 'ID',
          customers: [{ identifierValue: enrolled?.id as string, source: 'INSTORE' }],
        },
      },
      auth,
    );
    expect(enrol.body.data?.enrolCustomers.__typename).toBe('EnrolCustomersResult');
    const before = await scrape();
    const secondsBefore = await callSecondsByEndpoint();
    const readsBefore = stack.sandbox.readCalls().length;
    const lookupOf = (identifierValue: string) => ({
      input: {
        customer: { identifierName: 'ID' as const, identifierValue, source: 'INSTORE' as const },
      },
    });

    // A lookup and a definition call for each promotion it lists.
    const withDefinitions = await execute(
      stack.gateway.graphqlUrl,
      CustomerPromotionsWithDefinitionsDocument,
      lookupOf(enrolled?.id as string),
      auth,
    );
    expect(withDefinitions.body.errors).toBeUndefined();
    expect(withDefinitions.body.data?.customerPromotions.__typename).toBe('CustomerPromotions');
    // Five identical lookups at once: one call, held by the sandbox until all have joined it.
    // Below one attempt's timeout (a third of PROMOTION_API_TIMEOUT_MS), so the call is not retried.
    stack.sandbox.setFaults({ latencyMs: 2500 });
    const stats = stack.gateway.reads.shared.stats;
    const joinedBefore = stats.joined;
    const sharing = Promise.all(
      Array.from({ length: 5 }, () =>
        execute(
          stack.gateway.graphqlUrl,
          CustomerPromotionsDocument,
          lookupOf(other?.id as string),
          auth,
        ),
      ),
    );
    await eventually(() => stats.joined - joinedBefore, {
      describe: '4 lookups joining the first one',
      until: (joined) => joined >= 4,
      timeoutMs: 2000,
    });
    stack.sandbox.setFaults({ latencyMs: 0 });
    const shared = await sharing;
    expect(shared.map((r) => r.body.data?.customerPromotions.__typename)).toEqual(
      Array<string>(5).fill('CustomerPromotions'),
    );
    // The API's errors: a customer it does not know, a promotion it does not know.
    const unknown = await execute(
      stack.gateway.graphqlUrl,
      CustomerPromotionsDocument,
      lookupOf('999999999999'),
      auth,
    );
    expect(unknown.body.data?.customerPromotions.__typename).toBe('CustomerNotFoundError');
    const missing = await execute(
      stack.gateway.graphqlUrl,
      PromotionDefinitionDocument,
      { programId: 469, promotionId: 1 },
      auth,
    );
    expect(missing.body.data?.promotion.__typename).toBe('InvalidPromotionError');
    // No credentials: refused before any call, counted by its error code.
    const anonymous = await execute(
      stack.gateway.graphqlUrl,
      CustomerPromotionsDocument,
      lookupOf(other?.id as string),
    );
    expect(anonymous.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');

    const after = await scrape();
    const reads = stack.sandbox.readCalls().slice(readsBefore);
    const lookups = reads.filter((r) => r.path === '/v2/customers/lookup/promotionData');
    expect(lookups).toHaveLength(3);
    expect(reads.length).toBeGreaterThan(lookups.length + 1);
    const byStatus: Record<string, number> = {};
    for (const read of reads) {
      const endpoint = read.path.startsWith('/api_gateway/')
        ? '/api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get'
        : read.path;
      const label = `endpoint=${endpoint},status=${read.status}`;
      byStatus[label] = (byStatus[label] ?? 0) + 1;
    }
    expect(byStatus).toHaveProperty(
      [
        'endpoint=/api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get,status=400',
      ],
      1,
    );
    expect(
      delta(
        samples(before, 'gateway_upstream_calls_total'),
        samples(after, 'gateway_upstream_calls_total'),
      ),
    ).toEqual(byStatus);
    // Reads are timed apart from the bulk calls: a lookup's latency is not a mutation's.
    expect(delta(secondsBefore, await callSecondsByEndpoint())).toEqual(perEndpoint(byStatus));
    expect(
      delta(
        samples(before, 'gateway_operations_total'),
        samples(after, 'gateway_operations_total'),
      ),
    ).toEqual({
      'operation=customerPromotions,payload=CustomerPromotions': 6,
      'operation=customerPromotions,payload=CustomerNotFoundError': 1,
      'operation=customerPromotions,payload=UNAUTHENTICATED': 1,
      'operation=promotion,payload=InvalidPromotionError': 1,
    });
    // Reads are no batches.
    const batchCount = (families: PrometheusFamily[]) =>
      family(families, 'gateway_batch_customers').metrics.reduce(
        (n, m) => n + Number(m.count ?? 0),
        0,
      );
    expect(batchCount(after)).toBe(batchCount(before));
  });

  it('labels nothing with a customer, a credential or free text', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const ids = demoCustomers('demo').map((c) => c.id);
    const values = parsePrometheusTextFormat(text)
      .filter((f) => f.name.startsWith('gateway_'))
      .flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      // Names, statuses and path templates (`{programId}`), never a value.
      expect(value).toMatch(/^[A-Za-z_/0-9.+{}]+$/);
      expect(ids).not.toContain(value);
    }
    expect(text).not.toContain(DEMO_CREDENTIALS.authorizationHeader);
  });

  it('is not served on the public port', async () => {
    const publicBase = stack.gateway.graphqlUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${publicBase}/metrics`)).status).toBe(404);
    // And the metrics port serves nothing but /metrics.
    expect((await fetch(metricsUrl.replace(/\/metrics$/, '/graphql'))).status).toBe(404);
  });
});
