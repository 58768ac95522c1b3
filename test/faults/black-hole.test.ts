/**
 * Mutations when the API's host never completes a TCP connect (review finding): nothing is
 * ever sent, so every mutation is UpstreamUnavailableError — and the bulk circuit must open,
 * or every mutation waits its whole deadline for as long as the host stays dark. A deadline
 * that cut an attempt still connecting counted as a success of the path, which reset the
 * count of failures the attempt before had made.
 */
import type { Gateway } from '../../src/server';
import { EnrolCustomersDocument } from '../generated/graphql';
import { DEMO_CREDENTIALS } from '../sandbox/sandbox-api';
import { gatewayOn, startBlackHole, type BlackHole } from '../support/black-hole';
import { execute } from '../support/stack';

const CIRCUIT_OPEN_MESSAGE = 'the promotion API is failing; calls are paused for a moment';

let blackHole: BlackHole;
beforeAll(async () => (blackHole = await startBlackHole()));
afterAll(() => blackHole.close());

async function bulkCircuitOf(gateway: Gateway): Promise<string | undefined> {
  const text = await (await fetch(gateway.metricsUrl as string)).text();
  return text.split('\n').find((line) => line.startsWith('gateway_circuit_open{path="bulk"}'));
}

async function enrolOne(gateway: Gateway, id: string) {
  const { body } = await execute(
    gateway.graphqlUrl,
    EnrolCustomersDocument,
    {
      input: {
        promotion: { programId: 469, promotionId: 57099 },
        identifierName: 'ID',
        customers: [{ identifierValue: id, source: 'INSTORE' }],
      },
    },
    { authorization: DEMO_CREDENTIALS.authorizationHeader },
  );
  // One customer: a failure of the whole call comes hoisted as the payload itself.
  return body.data?.enrolCustomers as { __typename: string; message: string };
}

it.each(['1500', '3000'])(
  'opens the bulk circuit with a %s ms deadline, every mutation unavailable and none unknown',
  async (timeoutMs) => {
    const gateway = await gatewayOn(blackHole, timeoutMs);
    try {
      let opened = false;
      for (let i = 0; i < 10 && !opened; i++) {
        const payload = await enrolOne(gateway, `5555000${i}`);
        expect(payload.__typename).toBe('UpstreamUnavailableError');
        opened = (await bulkCircuitOf(gateway)) === 'gateway_circuit_open{path="bulk"} 1';
      }
      expect(opened).toBe(true);
      const paused = await enrolOne(gateway, '55550099');
      expect(paused).toMatchObject({
        __typename: 'UpstreamUnavailableError',
        message: CIRCUIT_OPEN_MESSAGE,
      });
    } finally {
      await gateway.close();
    }
  },
);
