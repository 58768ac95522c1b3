/**
 * Issue 11, findings 10–12 (DESIGN.md §9, §8 "Never the same customer twice at once"):
 * what a real gateway answers when the API's ids are opaque strings, when the API says a
 * customer is busy (521), and how it echoes the identifiers it was given. The API is a
 * small http.createServer that answers the documented envelope and records every call.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../../../src/config';
import type { BulkActionBody } from '../../../src/datasources/bulk-action.body';
import { startGateway, type Gateway } from '../../../src/server';
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  type CustomerSource,
  type EarnPromotionMutation,
  type EnrolCustomersMutation,
} from '../../generated/graphql';
import { execute } from '../../support/stack';

/** A customer whose identifierValue starts with this is "in another call" at the API. */
const BUSY_PREFIX = '521';
/** An earn for a customer whose identifierValue starts with this is answered without an earnedId. */
const NO_EARNED_ID_PREFIX = '000';

/** The API's item for one customer: opaque ids, or 521 for a busy one; earns get an earnedId. */
function itemFor(action: string, identifierValue: string, position: number): unknown {
  if (identifierValue.startsWith(BUSY_PREFIX)) {
    return {
      errors: [{ status: false, code: 521, message: 'concurrent actions on the same customer' }],
      warnings: [],
    };
  }
  return {
    result: {
      entityType: 'CUSTOMER',
      entityId: `C-${identifierValue}`,
      programId: 469,
      promotionId: 57099,
      issualId: `I-77-a${position + 1}`,
      ...(action === 'EARN' && !identifierValue.startsWith(NO_EARNED_ID_PREFIX)
        ? { earnedId: `E-${identifierValue}/0` }
        : {}),
    },
    errors: [],
    warnings: [],
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, calls: unknown[]) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BulkActionBody;
  calls.push(body);
  const items = body.customers.map((c, i) => itemFor(body.bulkAction, c.identifierValue, i));
  const failures = items.filter((item) => !('result' in (item as object))).length;
  response.writeHead(failures > 0 ? 201 : 200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({ response: items, totalCount: items.length, failureCount: failures }),
  );
}

const headers = { authorization: 'Basic ZGVtbzpkZW1v' };
const promotion = { programId: 469, promotionId: 57099 };
const customers = (...values: string[]) =>
  values.map((identifierValue) => ({ identifierValue, source: 'INSTORE' as CustomerSource }));

describe('answers of an API with opaque ids and busy customers', () => {
  let api: Server;
  let gateway: Gateway;
  const calls: BulkActionBody[] = [];

  beforeAll(async () => {
    api = createServer((request, response) => {
      answer(request, response, calls).catch(() => response.destroy());
    });
    api.listen(0, '127.0.0.1');
    await once(api, 'listening');
    const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    // A breaker that opens after two untrustworthy answers: opaque ids must not be one.
    const config = loadConfig({
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
      PROMOTION_API_URL: apiUrl,
      CIRCUIT_BREAKER_THRESHOLD: '2',
    });
    gateway = await startGateway(config, { apiUrl, logger: pino({ level: 'silent' }) });
  });

  afterAll(async () => {
    await gateway?.close();
    api?.close();
    if (api) await once(api, 'close');
  });

  const enrol = (values: string[]) =>
    execute(
      gateway.graphqlUrl,
      EnrolCustomersDocument,
      { input: { promotion, identifierName: 'ID', customers: customers(...values) } },
      headers,
    );

  it('maps opaque ids to Enrolments, call after call, with the breaker staying closed', async () => {
    for (const round of [1, 2, 3, 4]) {
      const { status, body } = await enrol([`${round}01`, `${round}02`]);
      expect(status).toBe(200);
      const payload = body.data?.enrolCustomers;
      expect(payload).toMatchObject({ __typename: 'EnrolCustomersResult', successCount: 2 });
      const outcomes = (
        payload as Extract<
          EnrolCustomersMutation['enrolCustomers'],
          { __typename: 'EnrolCustomersResult' }
        >
      ).results.map((r) => r.outcome);
      expect(outcomes).toEqual([
        expect.objectContaining({
          __typename: 'Enrolment',
          entityId: `C-${round}01`,
          issualId: 'I-77-a1',
        }),
        expect.objectContaining({
          __typename: 'Enrolment',
          entityId: `C-${round}02`,
          issualId: 'I-77-a2',
        }),
      ]);
    }
  });

  it('maps opaque ids to an Earning with its earnedId', async () => {
    const { body } = await execute(
      gateway.graphqlUrl,
      EarnPromotionDocument,
      { input: { promotion, identifierName: 'ID', customers: customers('701') } },
      headers,
    );
    const payload = body.data?.earnPromotion as Extract<
      EarnPromotionMutation['earnPromotion'],
      { __typename: 'EarnPromotionResult' }
    >;
    expect(payload).toMatchObject({ __typename: 'EarnPromotionResult', successCount: 1 });
    expect(payload.results[0]?.outcome).toMatchObject({
      __typename: 'Earning',
      entityId: 'C-701',
      issualId: 'I-77-a1',
      earnedId: 'E-701/0',
    });
  });

  it('counts an earn answered without an earnedId as OutcomeUnknownError, not a success', async () => {
    const { body } = await execute(
      gateway.graphqlUrl,
      EarnPromotionDocument,
      {
        input: {
          promotion,
          identifierName: 'ID',
          customers: customers(`${NO_EARNED_ID_PREFIX}711`, '712'),
        },
      },
      headers,
    );
    const payload = body.data?.earnPromotion as Extract<
      EarnPromotionMutation['earnPromotion'],
      { __typename: 'EarnPromotionResult' }
    >;
    expect(payload).toMatchObject({ successCount: 1, failureCount: 1, totalCount: 2 });
    expect(payload.results.map((r) => r.outcome.__typename)).toEqual([
      'OutcomeUnknownError',
      'Earning',
    ]);
  });

  it('answers a per-customer 521 as CustomerBusyError, retryable, beside the others', async () => {
    const { body } = await enrol(['801', `${BUSY_PREFIX}802`]);
    const payload = body.data?.enrolCustomers as Extract<
      EnrolCustomersMutation['enrolCustomers'],
      { __typename: 'EnrolCustomersResult' }
    >;
    expect(payload).toMatchObject({
      __typename: 'EnrolCustomersResult',
      totalCount: 2,
      successCount: 1,
      failureCount: 1,
    });
    expect(payload.results.map((r) => r.outcome.__typename)).toEqual([
      'Enrolment',
      'CustomerBusyError',
    ]);
    expect(payload.results[1]?.outcome).toEqual({
      __typename: 'CustomerBusyError',
      message: 'concurrent actions on the same customer',
      retryable: true,
      upstreamCode: 521,
    });
  });

  it('keeps CustomerBusyError on the customer even when it is the only one', async () => {
    const { body } = await enrol([`${BUSY_PREFIX}901`]);
    expect(body.data?.enrolCustomers).toMatchObject({
      __typename: 'EnrolCustomersResult',
      results: [{ outcome: { __typename: 'CustomerBusyError', retryable: true } }],
    });
  });

  it('echoes identifierValue as the input gave it, and sends it trimmed', async () => {
    const given = [' 555567088 ', '\t555567089'];
    const { body } = await enrol(given);
    const payload = body.data?.enrolCustomers as Extract<
      EnrolCustomersMutation['enrolCustomers'],
      { __typename: 'EnrolCustomersResult' }
    >;
    expect(payload.results.map((r) => r.identifierValue)).toEqual(given);
    expect(calls.at(-1)?.customers.map((c) => c.identifierValue)).toEqual([
      '555567088',
      '555567089',
    ]);
  });
});
