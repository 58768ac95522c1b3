/**
 * DESIGN §10 traces, exported over OTLP/HTTP to a local receiver: the API call that carried
 * the customers of many operations is one client span linked to each operation's span, and
 * its traceparent is what the API received.
 */
import { print } from 'graphql';
import { enrolAndEarn, requestBody } from '../sandbox/helpers';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../bench/otlp-receiver';
import {
  CustomerPromotionsDocument,
  CustomerPromotionsWithDefinitionsDocument,
  EnrolCustomersDocument,
  RevokeEnrolmentsDocument,
} from '../generated/graphql';
import {
  DEMO_CREDENTIALS,
  demoCustomers,
  getCalls,
  startSandbox,
  type RunningSandbox,
} from '../sandbox/sandbox-api';
import { eventually } from '../support/eventually';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { execute, executeBatch } from '../support/stack';

const SERVER = 2;
const CLIENT = 3;
const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const promotion = { programId: 469, promotionId: 57099 };
const customers = demoCustomers('demo');

function enrolByMobile(mobile: string) {
  return {
    input: {
      promotion,
      identifierName: 'MOBILE' as const,
      customers: [{ identifierValue: mobile, source: 'INSTORE' as const }],
    },
  };
}

/** Every string a span carries: name, attribute and event values. */
function valuesOf(span: ReceivedSpan): string[] {
  return [
    span.name,
    ...Object.values(span.attributes).map(String),
    ...span.events.flatMap((e) => [e.name, ...Object.values(e.attributes).map(String)]),
  ];
}

/** The variables of a customerPromotions query of one customer by id. */
function lookupOf(identifierValue: string) {
  return {
    input: {
      customer: { identifierName: 'ID' as const, identifierValue, source: 'INSTORE' as const },
    },
  };
}

/** A sandbox and a gateway exporting every span to a local receiver, for one describe block. */
function tracedGateway() {
  const parts = {} as { receiver: OtlpReceiver; sandbox: RunningSandbox; gateway: GatewayProcess };
  beforeAll(async () => {
    parts.receiver = await startOtlpReceiver();
    parts.sandbox = await startSandbox({ port: 0 });
    parts.gateway = await spawnGateway({
      PROMOTION_API_URL: parts.sandbox.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: parts.receiver.url,
    });
  });
  afterAll(async () => {
    await parts.gateway?.stop();
    await parts.sandbox?.close();
    await parts.receiver?.close();
  });
  return parts;
}

let receiver: OtlpReceiver;
let sandbox: RunningSandbox;
let gateway: GatewayProcess;

// A process of its own: the OTLP exporter loads node:http by a dynamic import, which
// jest's module sandbox refuses.
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  sandbox = await startSandbox({ port: 0 });
  // One call for 50 customers: it leaves when full, long before its window closes.
  gateway = await spawnGateway({
    PROMOTION_API_URL: sandbox.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    UPSTREAM_BATCH_SIZE: '50',
    BATCH_WINDOW_MS: '1000',
  });
});

afterAll(async () => {
  await gateway?.stop();
  await sandbox?.close();
  await receiver?.close();
});

describe('tracing', () => {
  it('makes one client span for a call of 50 operations, linked to each of their 50 spans', async () => {
    const fifty = customers.slice(0, 50);
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const answers = await Promise.all(
      fifty.map((customer, i) =>
        execute(gateway.url, EnrolCustomersDocument, enrolByMobile(customer.mobile), {
          ...auth,
          // The first caller is itself traced: its operation span continues that trace.
          ...(i === 0 ? { traceparent: `00-${callerTrace}-${callerSpan}-01` } : {}),
        }),
      ),
    );
    for (const { body } of answers) {
      expect(body.data?.enrolCustomers).toMatchObject({ successCount: 1 });
    }
    const calls = await getCalls(sandbox.url);
    expect(calls.map((c) => c.customers)).toEqual([50]);

    // A batched HTTP request shares one context object: each operation still gets its span.
    const batched = await executeBatch(
      gateway.url,
      EnrolCustomersDocument,
      customers.slice(50, 53).map((c) => enrolByMobile(c.mobile)),
      auth,
    );
    expect(batched.bodies.map((b) => b.data?.enrolCustomers.__typename)).toEqual([
      'EnrolCustomersResult',
      'EnrolCustomersResult',
      'EnrolCustomersResult',
    ]);
    const allCalls = await getCalls(sandbox.url);
    expect(allCalls.map((c) => c.customers)).toEqual([50, 3]);

    // A gateway that stops exports what its batch processor still holds.
    await gateway.stop();
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    const spans = await eventually(() => receiver.spans(), {
      describe: '53 operation spans and 2 client spans',
      until: (s) => s.length >= 55,
    });

    const operations = spans.filter((s) => s.kind === SERVER);
    const clients = spans.filter((s) => s.kind === CLIENT);
    expect(operations).toHaveLength(53);
    expect(new Set(operations.map((s) => s.spanId)).size).toBe(53);
    expect(operations.every((s) => s.name === 'mutation EnrolCustomers')).toBe(true);
    expect(clients).toHaveLength(2);

    const [fan, small] = [...clients].sort((a, b) => b.links.length - a.links.length) as [
      ReceivedSpan,
      ReceivedSpan,
    ];
    expect(fan.name).toBe('POST /v2/promotion/bulk/enrolAndEarn');
    expect(fan.attributes).toMatchObject({
      'gateway.customers': 50,
      'gateway.operations': 50,
      'http.response.status_code': 200,
      'gateway.outcome.issued': 50,
    });
    // Links, not parents: the call starts a trace of its own and points at each operation.
    expect(fan.parentSpanId).toBeNull();
    const linked = new Set(fan.links.map((l) => `${l.traceId}/${l.spanId}`));
    expect(linked.size).toBe(50);
    const first50 = operations.filter((o) => linked.has(`${o.traceId}/${o.spanId}`));
    expect(first50).toHaveLength(50);
    // The traced caller's operation continues the caller's trace.
    expect(
      first50.filter((o) => o.traceId === callerTrace && o.parentSpanId === callerSpan),
    ).toHaveLength(1);

    expect(small.links).toHaveLength(3);
    expect(new Set(small.links.map((l) => l.spanId)).size).toBe(3);

    // What the API received is the traceparent of the client span.
    expect(allCalls[0]?.traceparent).toBe(`00-${fan.traceId}-${fan.spanId}-01`);
    expect(allCalls[1]?.traceparent).toBe(`00-${small.traceId}-${small.spanId}-01`);

    // No attribute, name or event holds a mobile, an email, an id or a credential.
    const secrets = [
      ...customers.slice(0, 53).flatMap((c) => [c.mobile, c.email, c.id]),
      DEMO_CREDENTIALS.authorizationHeader,
      DEMO_CREDENTIALS.authorizationHeader.replace(/^Basic /, ''),
    ];
    const values = spans.flatMap(valuesOf);
    expect(values.length).toBeGreaterThan(0);
    // A text holds none; a number is none (a duration's digits may contain a short id by chance).
    const leaks = (v: string) =>
      /^-?\d+(\.\d+)?(e-?\d+)?$/.test(v)
        ? secrets.includes(v)
        : secrets.some((secret) => v.includes(secret));
    expect(values.filter(leaks)).toEqual([]);
    // Numbers are counts and durations; no text value looks like a mobile or an email either.
    const texts = spans.flatMap((span) => [
      span.name,
      ...Object.values(span.attributes).filter((v): v is string => typeof v === 'string'),
    ]);
    expect(texts.filter((v) => /@|\d{8,}/.test(v))).toEqual([]);
    // Nor the document, which may hold customers inline.
    const document = print(EnrolCustomersDocument);
    expect(values.some((v) => v.includes(document.slice(0, 40)))).toBe(false);
  });
});

describe('tracing reads and revocations', () => {
  const read = tracedGateway();

  it('makes one client span per read, linked to every operation that shared it, and links a revocation', async () => {
    const [shared, listed] = customers.slice(60, 62) as [
      (typeof customers)[number],
      (typeof customers)[number],
    ];
    // Five identical lookups sent at once share one call while the sandbox takes its time
    // (below one attempt's timeout, a third of PROMOTION_API_TIMEOUT_MS, so it is not retried).
    read.sandbox.setFaults({ latencyMs: 2500 });
    const five = await Promise.all(
      Array.from({ length: 5 }, () =>
        execute(read.gateway.url, CustomerPromotionsDocument, lookupOf(shared.id), auth),
      ),
    );
    expect(five.map((r) => r.body.data?.customerPromotions.__typename)).toEqual(
      Array<string>(5).fill('CustomerPromotions'),
    );
    read.sandbox.setFaults({ latencyMs: 0 });
    const withDefinitions = await execute(
      read.gateway.url,
      CustomerPromotionsWithDefinitionsDocument,
      lookupOf(listed.id),
      auth,
    );
    const listedPage = withDefinitions.body.data?.customerPromotions;
    expect(listedPage?.__typename).toBe('CustomerPromotions');
    const promotionCount =
      listedPage?.__typename === 'CustomerPromotions' ? listedPage.promotions.length : 0;
    expect(promotionCount).toBeGreaterThan(0);

    const reads = read.sandbox.readCalls();
    const definitionReads = reads.filter((r) => r.path.startsWith('/api_gateway/'));
    expect(reads.map((r) => r.path.startsWith('/api_gateway/'))).toEqual([
      false,
      false,
      ...Array<boolean>(promotionCount).fill(true),
    ]);

    // A revocation's call is linked to its operation as enrol's and earn's are. The
    // enrolment it revokes is made at the sandbox itself: no span of ours.
    const enrolled = await enrolAndEarn(
      read.sandbox.url,
      requestBody({ promotionId: promotion.promotionId, values: [listed.id] }),
    );
    expect(enrolled.status).toBe(200);
    const revoked = await execute(
      read.gateway.url,
      RevokeEnrolmentsDocument,
      {
        input: {
          promotion,
          identifierName: 'ID',
          customers: [{ identifierValue: listed.id, source: 'INSTORE' }],
        },
      },
      auth,
    );
    expect(revoked.body.data?.revokeEnrolments.__typename).toBe('RevokeEnrolmentsResult');
    const revokeCall = (await getCalls(read.sandbox.url)).find(
      (c) => c.path === '/v2/promotion/bulk/revokeEnrolAndEarn',
    );

    await read.gateway.stop();
    const spans = await eventually(() => read.receiver.spans(), {
      describe: '7 operation spans and the client spans of every read and the revocation',
      until: (s) => s.length >= 7 + reads.length + 1,
    });
    const operations = spans.filter((s) => s.kind === SERVER);
    const clients = spans.filter((s) => s.kind === CLIENT);
    expect(operations.map((o) => o.name).sort()).toEqual([
      'mutation RevokeEnrolments',
      ...Array<string>(5).fill('query CustomerPromotions'),
      'query CustomerPromotionsWithDefinitions',
    ]);
    expect(clients).toHaveLength(reads.length + 1);
    const revokeSpan = clients.find(
      (c) => revokeCall?.traceparent === `00-${c.traceId}-${c.spanId}-01`,
    );
    expect(revokeSpan?.name).toBe('POST /v2/promotion/bulk/revokeEnrolAndEarn');
    // A revocation done is a success of its call, as an enrolment is.
    expect(revokeSpan?.attributes).toMatchObject({ 'gateway.outcome.revoked': 1 });
    expect(revokeSpan?.statusCode).toBe(0);
    expect(revokeSpan?.links.map((l) => l.spanId)).toEqual([
      operations.find((o) => o.name === 'mutation RevokeEnrolments')?.spanId,
    ]);

    // Each read's span is what the API received as traceparent.
    const spanOf = (traceparent: string | null) =>
      clients.find((c) => traceparent === `00-${c.traceId}-${c.spanId}-01`);
    const [sharedRead, listedRead] = reads as [(typeof reads)[0], (typeof reads)[0]];
    const sharedSpan = spanOf(sharedRead.traceparent);
    expect(sharedSpan?.name).toBe('GET /v2/customers/lookup/promotionData');
    expect(sharedSpan?.attributes).toMatchObject({
      'gateway.operations': 5,
      'gateway.read.result': 'ok',
      'http.response.status_code': 200,
    });
    const fiveOperations = operations.filter((o) => o.name === 'query CustomerPromotions');
    expect(new Set(sharedSpan?.links.map((l) => l.spanId))).toEqual(
      new Set(fiveOperations.map((o) => o.spanId)),
    );

    const withDefinitionsSpan = operations.find(
      (o) => o.name === 'query CustomerPromotionsWithDefinitions',
    ) as ReceivedSpan;
    for (const read of [listedRead, ...definitionReads]) {
      const span = spanOf(read.traceparent);
      expect(span?.links.map((l) => l.spanId)).toEqual([withDefinitionsSpan.spanId]);
      expect(span?.parentSpanId).toBeNull();
    }
    expect(spanOf(definitionReads[0]?.traceparent ?? null)?.name).toBe(
      'GET /api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get',
    );

    // The paths are templates: neither the customer nor the promotion is in any span.
    const values = spans.flatMap(valuesOf);
    for (const secret of [shared.id, listed.id, shared.mobile, listed.mobile]) {
      expect(values.filter((v) => v.includes(secret))).toEqual([]);
    }
    expect(values.filter((v) => v.includes('identifierValue'))).toEqual([]);
  });
});

describe('tracing the definitions of a batched request', () => {
  const batch = tracedGateway();

  it('links each definition call to every operation of the request that asked for it', async () => {
    // Two customers enrolled in one promotion: both pages list it, so both operations ask
    // for its definition (and for the demo promotions every customer has).
    const pair = customers.slice(70, 72);
    for (const customer of pair) {
      const { body } = await execute(
        batch.gateway.url,
        EnrolCustomersDocument,
        enrolByMobile(customer.mobile),
        auth,
      );
      expect(body.data?.enrolCustomers.__typename).toBe('EnrolCustomersResult');
    }
    // Each read takes 300 ms: the second operation's definitions are asked while the first's
    // are still in flight (not yet cached), so they join those calls.
    batch.sandbox.setFaults({ latencyMs: 300 });
    const batched = await executeBatch(
      batch.gateway.url,
      CustomerPromotionsWithDefinitionsDocument,
      pair.map((c) => lookupOf(c.id)),
      auth,
    );
    const promotionIds = batched.bodies.map((b) => {
      const page = b.data?.customerPromotions;
      return page?.__typename === 'CustomerPromotions'
        ? page.promotions.map((p) => p.promotionId).sort()
        : [];
    });
    expect(promotionIds[0]).toContain(57099);
    expect(promotionIds[1]).toEqual(promotionIds[0]);
    // One call per distinct promotion for the whole request.
    const definitionReads = batch.sandbox
      .readCalls()
      .filter((r) => r.path.startsWith('/api_gateway/'));
    expect(definitionReads).toHaveLength(promotionIds[0]?.length ?? -1);

    await batch.gateway.stop();
    const spans = await eventually(() => batch.receiver.spans(), {
      describe: '4 operation spans, 2 enrol calls, 2 lookups and the definition calls',
      until: (s) => s.length >= 4 + 2 + 2 + definitionReads.length,
    });
    const asking = spans.filter(
      (s) => s.kind === SERVER && s.name === 'query CustomerPromotionsWithDefinitions',
    );
    expect(asking).toHaveLength(2);
    const definitionSpans = spans.filter(
      (s) => s.kind === CLIENT && s.name.startsWith('GET /api_gateway/'),
    );
    expect(definitionSpans).toHaveLength(definitionReads.length);
    for (const span of definitionSpans) {
      expect(new Set(span.links.map((l) => l.spanId))).toEqual(
        new Set(asking.map((o) => o.spanId)),
      );
      expect(span.attributes['gateway.operations']).toBe(2);
    }
  });
});

describe('tracing the lookup of a retry that reconciles', () => {
  const retry = tracedGateway();

  it("links the lookup to the retry's operation", async () => {
    const customer = customers[80] as (typeof customers)[number];
    const keyed = {
      input: { ...enrolByMobile(customer.mobile).input, idempotencyKey: `trace-${Date.now()}` },
    };
    retry.sandbox.setFaults({ resetAfterCommitRate: 1 });
    const first = await execute(retry.gateway.url, EnrolCustomersDocument, keyed, auth);
    retry.sandbox.setFaults({ resetAfterCommitRate: 0 });
    expect(first.body.data?.enrolCustomers.__typename).toBe('OutcomeUnknownError');
    const second = await execute(retry.gateway.url, EnrolCustomersDocument, keyed, auth);
    const result = second.body.data?.enrolCustomers;
    expect(result?.__typename).toBe('EnrolCustomersResult');
    if (result?.__typename !== 'EnrolCustomersResult') return;
    expect(result.results.map((r) => r.outcome.__typename)).toEqual(['Enrolment']);
    // Reconciled: one lookup, and no second call.
    const [lookup, ...more] = retry.sandbox.readCalls();
    expect(more).toEqual([]);
    expect(await getCalls(retry.sandbox.url)).toHaveLength(1);

    await retry.gateway.stop();
    const spans = await eventually(() => retry.receiver.spans(), {
      describe: '2 operation spans, the cut call and the lookup',
      until: (s) => s.length >= 4,
    });
    const lookupSpan = spans.find((s) => lookup?.traceparent === `00-${s.traceId}-${s.spanId}-01`);
    expect(lookupSpan?.name).toBe('GET /v2/customers/lookup/promotionData');
    const operations = spans.filter((s) => s.kind === SERVER);
    expect(operations).toHaveLength(2);
    // The retry's operation is the one that did not link the cut call.
    const cutCall = spans.find((s) => s.kind === CLIENT && s.name.startsWith('POST'));
    const retried = operations.find((o) => o.spanId !== cutCall?.links[0]?.spanId);
    expect(lookupSpan?.links.map((l) => l.spanId)).toEqual([retried?.spanId]);
  });
});
