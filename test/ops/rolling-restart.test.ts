/**
 * DESIGN §10: 3 replicas behind a real HAProxy, one Redis, one sandbox process; 200
 * clients send keyed mutations for 60 s while each replica in turn gets SIGTERM and is
 * started again. Nothing fails and nothing is lost: every answer is in the sandbox's
 * ledger and every ledger entry was answered.
 *
 * A client whose connection fails sends the same mutation again with the same
 * idempotencyKey, and one told IN_PROGRESS asks again shortly: that is what the contract
 * tells real clients to do (both are retryable, and the key makes the resend safe).
 */
import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster';
import { EnrolCustomersDocument, type EnrolCustomersMutation } from '../generated/graphql';
import { DEMO_CREDENTIALS, demoCustomers, getLedgerSnapshot } from '../sandbox/sandbox-api';
import { freePort } from '../support/free-port';

const CLIENTS = 200;
/** The load runs until the roll has ended and this long after it; on a slow machine the roll takes ~60 s. */
const LOAD_AFTER_ROLL_MS = 3_000;
/** ... and never longer than this (the test's own timeout is 240 s). */
const MAX_LOAD_MS = 180_000;
/** Between one client's mutations: 200 clients at most ~1,000 mutations/s on 2 cores. */
const THINK_MS = 150;
/** One mutation's retries (connection failed, IN_PROGRESS) end after this. */
const MUTATION_DEADLINE_MS = 30_000;
const query = print(EnrolCustomersDocument);
const headers = {
  'content-type': 'application/json',
  authorization: DEMO_CREDENTIALS.authorizationHeader,
};
const promotion = { programId: 469, promotionId: 57099 };

type Payload = EnrolCustomersMutation['enrolCustomers'];

interface Answer {
  key: string;
  customer: string;
  issualId: string;
  replayed: boolean;
}

interface Tally {
  answers: Answer[];
  failures: string[];
  connectionRetries: number;
  inProgressRetries: number;
}

async function enrol(url: string, customer: string, key: string): Promise<Payload> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      query,
      variables: {
        input: {
          promotion,
          identifierName: 'ID',
          customers: [{ identifierValue: customer, source: 'INSTORE' }],
          idempotencyKey: key,
        },
      },
    }),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new AnswerError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { data?: { enrolCustomers: Payload }; errors?: unknown };
  if (body.errors !== undefined || body.data === undefined) {
    throw new AnswerError(`GraphQL errors: ${text.slice(0, 200)}`);
  }
  return body.data.enrolCustomers;
}

/** An answer that is not a success: a failure, never retried. */
class AnswerError extends Error {}

/** One mutation to its end: an Enrolment, or a failure; retried only as a client would. */
async function oneMutation(url: string, customer: string, key: string, tally: Tally) {
  const deadline = Date.now() + MUTATION_DEADLINE_MS;
  for (;;) {
    let payload: Payload;
    try {
      payload = await enrol(url, customer, key);
    } catch (error) {
      if (error instanceof AnswerError || Date.now() > deadline) {
        tally.failures.push(`${key}: ${String(error)}`);
        return;
      }
      tally.connectionRetries++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    if (payload.__typename === 'IdempotencyConflictError' && payload.reason === 'IN_PROGRESS') {
      if (Date.now() > deadline) {
        tally.failures.push(`${key}: still IN_PROGRESS at its deadline`);
        return;
      }
      tally.inProgressRetries++;
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    const outcome =
      payload.__typename === 'EnrolCustomersResult' ? payload.results[0]?.outcome : undefined;
    if (outcome?.__typename !== 'Enrolment' || payload.__typename !== 'EnrolCustomersResult') {
      tally.failures.push(`${key}: ${JSON.stringify(payload).slice(0, 300)}`);
      return;
    }
    tally.answers.push({ key, customer, issualId: outcome.issualId, replayed: payload.replayed });
    return;
  }
}

let cluster: Cluster;
/** Enrolments made by other tests of this file, as `entityId/issualId`. */
const earlier = new Set<string>();

beforeAll(async () => {
  cluster = await startCluster({
    replicas: 3,
    host: '127.0.0.1',
    port: await freePort(),
    redisUrl: 'redis://127.0.0.1:6379',
    promotionApiUrl: null,
    runtime: 'source',
    gatewayEnv: { LOG_LEVEL: 'warn' },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

describe('a cluster of 3 replicas behind HAProxy', () => {
  it('replays on one replica a key completed on another (Redis is shared)', async () => {
    const key = `shared-${randomUUID()}`;
    const customer = demoCustomers('demo')[0]?.id as string;
    const [first, second] = [cluster.replicas[0], cluster.replicas[1]].map((r) => r!.graphqlUrl);
    const done = await enrol(first as string, customer, key);
    const replayed = await enrol(second as string, customer, key);
    expect(done).toMatchObject({ __typename: 'EnrolCustomersResult', replayed: false });
    expect(replayed).toMatchObject({ __typename: 'EnrolCustomersResult', replayed: true });
    const issual = (p: Payload) =>
      p.__typename === 'EnrolCustomersResult' && p.results[0]?.outcome.__typename === 'Enrolment'
        ? p.results[0].outcome.issualId
        : null;
    expect(issual(replayed)).toBe(issual(done));
    earlier.add(`${customer}/${issual(done)}`);
  });

  it('loses no mutation and no customer while every replica is restarted in turn under load', async () => {
    const runId = randomUUID();
    const customers = demoCustomers('demo').map((c) => c.id);
    const perClient = Math.floor(customers.length / CLIENTS);
    const tally: Tally = { answers: [], failures: [], connectionRetries: 0, inProgressRetries: 0 };
    const startedAt = Date.now();
    let stopAt = startedAt + MAX_LOAD_MS;

    const client = async (index: number): Promise<void> => {
      // Each client has customers of its own: one customer is never in two clients' calls.
      const own = customers.slice(index * perClient, (index + 1) * perClient);
      for (let seq = 0; Date.now() < stopAt; seq++) {
        await oneMutation(
          cluster.graphqlUrl,
          own[seq % own.length] as string,
          `${runId}-${index}-${seq}`,
          tally,
        );
        await new Promise((resolve) => setTimeout(resolve, THINK_MS));
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));

    // Let the load settle, then roll while it runs; the load goes on a little after the roll.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const pidsBefore = cluster.replicas.map((r) => r.pid());
    await cluster.roll();
    const rolledAt = Date.now();
    stopAt = Math.min(stopAt, rolledAt + LOAD_AFTER_ROLL_MS);
    await load;
    const loadMs = Date.now() - startedAt;

    expect(rolledAt).toBeLessThan(stopAt);
    const pidsAfter = cluster.replicas.map((r) => r.pid());
    pidsAfter.forEach((pid, i) => expect(pid).not.toBe(pidsBefore[i]));
    expect(Object.values(await cluster.serverStatus())).toEqual(['UP', 'UP', 'UP']);

    expect(tally.failures.slice(0, 5)).toEqual([]);
    expect(tally.answers.length).toBeGreaterThan(CLIENTS * 10);

    // Every answer is in the ledger, and every ledger entry was answered to its client.
    const ledger = await getLedgerSnapshot(cluster.sandboxUrl as string);
    expect(ledger.dropped).toBe(0);
    const done = new Set(
      ledger.entries
        .filter((e) => e.action === 'ENROL' && e.promotionId === promotion.promotionId)
        .map((e) => `${e.entityId}/${e.issualId}`),
    );
    const answered = new Set(tally.answers.map((a) => `${a.customer}/${a.issualId}`));
    expect([...answered].filter((a) => !done.has(a))).toEqual([]);
    expect([...done].filter((d) => !answered.has(d) && !earlier.has(d))).toEqual([]);
    // One answer per key: a retried key was answered once, as its first run did it.
    expect(new Set(tally.answers.map((a) => a.key)).size).toBe(tally.answers.length);

    console.log(
      `rolling restart: ${tally.answers.length} mutations answered in ${Math.round(loadMs / 1000)} s, ` +
        `0 failed; ${tally.connectionRetries} resent after a connection error, ` +
        `${tally.inProgressRetries} after IN_PROGRESS, ` +
        `${tally.answers.filter((a) => a.replayed).length} answered by a replay`,
    );
  }, 240_000);
});
