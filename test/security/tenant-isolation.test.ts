import { print } from 'graphql';
import {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  basicAuthorization,
  credentialHashOf,
  demoCustomers,
} from '../../src/sandbox';
import { EnrolCustomersDocument, GatewayLimitsDocument } from '../generated/graphql';
import {
  enrolInput,
  graphqlBody,
  oauthToken,
  postJson,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from './support';

const OAUTH_TTL_SECONDS = 300;
const MUTATIONS_PER_CALLER = 100;

interface Caller {
  name: string;
  org: string | null;
  headers: Record<string, string>;
  promotion: { programId: number; promotionId: number };
  /** Customer ids only this caller sends. */
  ids: string[];
  /** The API accepts these credentials. */
  valid: boolean;
}

interface Sent {
  caller: Caller;
  id: string;
  response: RawResponse;
}

describe('tenant isolation under load', () => {
  let stack: SecureStack;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  let callers: Caller[];
  let sent: Sent[];

  beforeAll(async () => {
    stack = await startSecureStack(
      // A generous window, so that callers' customers really wait in the batcher together,
      // even on a busy machine where 500 requests take a second or more to arrive.
      { BATCH_WINDOW_MS: '250' },
      { sandbox: { oauthTtlSeconds: OAUTH_TTL_SECONDS, now: () => clock } },
    );
    const expiredToken = await oauthToken(stack.sandbox);
    clock += (OAUTH_TTL_SECONDS + 1) * 1000;
    const validToken = await oauthToken(stack.sandbox);

    const demo = demoCustomers('demo').map((c) => c.id);
    const acme = demoCustomers('acme').map((c) => c.id);
    const slice = (ids: string[], n: number) =>
      ids.slice(n * MUTATIONS_PER_CALLER, (n + 1) * MUTATIONS_PER_CALLER);
    const demoPromotion = { programId: 469, promotionId: 57099 };
    callers = [
      {
        name: 'demo Basic',
        org: 'demo',
        headers: { authorization: DEMO_CREDENTIALS.authorizationHeader },
        promotion: demoPromotion,
        ids: slice(demo, 0),
        valid: true,
      },
      {
        name: 'demo OAuth',
        org: 'demo',
        headers: { 'x-cap-api-oauth-token': validToken },
        promotion: demoPromotion,
        ids: slice(demo, 1),
        valid: true,
      },
      {
        name: 'acme Basic',
        org: 'acme',
        headers: { authorization: ACME_CREDENTIALS.authorizationHeader },
        promotion: { programId: 699, promotionId: 74116 },
        ids: slice(acme, 0),
        valid: true,
      },
      {
        name: 'demo wrong password',
        org: null,
        headers: { authorization: basicAuthorization('demo.till', 'wrong-password') },
        promotion: demoPromotion,
        ids: slice(demo, 2),
        valid: false,
      },
      {
        name: 'demo expired OAuth token',
        org: null,
        headers: { 'x-cap-api-oauth-token': expiredToken },
        promotion: demoPromotion,
        ids: slice(demo, 3),
        valid: false,
      },
    ];

    // Warm up: open the connections first, so that the 500 mutations arrive together.
    await Promise.all(
      Array.from({ length: callers.length * MUTATIONS_PER_CALLER }, () =>
        postJson(stack.url, { query: print(GatewayLimitsDocument) }),
      ),
    );
    const jobs = Array.from({ length: MUTATIONS_PER_CALLER }, (_, i) =>
      callers.map((caller) => ({ caller, id: caller.ids[i]! })),
    ).flat();
    sent = await Promise.all(
      jobs.map(async ({ caller, id }) => ({
        caller,
        id,
        response: await postJson(
          stack.url,
          {
            query: print(EnrolCustomersDocument),
            variables: { input: enrolInput('ID', [id], caller.promotion) },
          },
          caller.headers,
        ),
      })),
    );
  });
  afterAll(() => stack.close());

  it('coalesced the 500 concurrent mutations into far fewer API calls', () => {
    expect(sent).toHaveLength(500);
    expect(stack.sandbox.calls().length).toBeLessThan(100);
  });

  it("never sends one caller's customers with another's credentials", () => {
    const callerByHash = new Map(
      callers.map((caller) => [
        credentialHashOf({
          authorization: caller.headers.authorization ?? null,
          oauthToken: caller.headers['x-cap-api-oauth-token'] ?? null,
        }),
        caller,
      ]),
    );
    for (const call of stack.sandbox.calls()) {
      const caller = callerByHash.get(call.credentialHash);
      expect(caller).toBeDefined();
      expect(call.org).toBe(caller!.org);
      const body = call.body as { customers: { identifierValue: string }[] };
      const foreign = body.customers
        .map((c) => c.identifierValue)
        .filter((id) => !caller!.ids.includes(id));
      expect({ caller: caller!.name, foreign }).toEqual({ caller: caller!.name, foreign: [] });
    }
  });

  it('answers every valid caller with its own enrolment, as the ledger recorded it', () => {
    const ledger = stack.sandbox.ledger();
    expect(ledger).toHaveLength(3 * MUTATIONS_PER_CALLER);
    const issualIdOf = new Map(ledger.map((e) => [`${e.org}/${e.entityId}`, e.issualId]));
    for (const { caller, id, response } of sent.filter((s) => s.caller.valid)) {
      expect(response.status).toBe(200);
      const payload = graphqlBody(response).data?.enrolCustomers as {
        results: { outcome: Record<string, unknown> }[];
      };
      expect(payload.results).toEqual([
        expect.objectContaining({
          outcome: expect.objectContaining({
            __typename: 'Enrolment',
            entityId: id,
            programId: caller.promotion.programId,
            issualId: issualIdOf.get(`${caller.org}/${id}`),
          }),
        }),
      ]);
    }
  });

  it('refuses a wrong password and an expired token as UNAUTHENTICATED, and only them', () => {
    for (const { caller, response } of sent.filter((s) => !s.caller.valid)) {
      expect({ caller: caller.name, body: graphqlBody(response) }).toEqual({
        caller: caller.name,
        body: {
          data: null,
          errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })],
        },
      });
    }
    const refusedCustomers = new Set(callers.filter((c) => !c.valid).flatMap((c) => c.ids));
    expect(stack.sandbox.ledger().filter((e) => refusedCustomers.has(String(e.entityId)))).toEqual(
      [],
    );
  });
});
