import { createHash } from 'node:crypto';
import { print } from 'graphql';
import { DEMO_CREDENTIALS, basicAuthorization, demoCustomers } from '../../src/sandbox';
import { EarnPromotionDocument, EnrolCustomersDocument } from '../generated/graphql';
import {
  enrolInput,
  oauthToken,
  postJson,
  send,
  startSecureStack,
  type SecureStack,
} from './support';

const [asha, ravi] = demoCustomers('demo');
const MOBILE = asha!.mobile; // 919986000586
const EMAIL = ravi!.email; // ravi.kumar@example.com
const UNKNOWN_MOBILE = '919999999999';
const PASSWORD = DEMO_CREDENTIALS.password;
const BASIC = DEMO_CREDENTIALS.authorizationHeader;
const WRONG_PASSWORD = 'not-the-demo-password';
const WRONG_BASIC = basicAuthorization(DEMO_CREDENTIALS.username, WRONG_PASSWORD);

const enrol = print(EnrolCustomersDocument);
const earn = print(EarnPromotionDocument);

type LogLine = Record<string, unknown>;

describe('logs', () => {
  let stack: SecureStack;
  let token: string;
  let secrets: string[];
  const requestIds: string[] = [];
  let generatedRequestId: string | null;

  /** Sends with a known request id, so that the test can find the request's lines. */
  function headers(extra: Record<string, string> = {}): Record<string, string> {
    const id = `log-test-${requestIds.length + 1}`;
    requestIds.push(id);
    return { 'x-request-id': id, ...extra };
  }

  function lines(): LogLine[] {
    return stack.logLines().map((line) => JSON.parse(line) as LogLine);
  }

  beforeAll(async () => {
    stack = await startSecureStack({ LOG_LEVEL: 'debug' });
    token = await oauthToken(stack.sandbox);
    secrets = [
      MOBILE,
      EMAIL,
      asha!.email,
      UNKNOWN_MOBILE,
      PASSWORD,
      BASIC,
      BASIC.replace(/^Basic /, ''),
      createHash('md5').update(PASSWORD).digest('hex'),
      WRONG_PASSWORD,
      WRONG_BASIC.replace(/^Basic /, ''),
      token,
    ];

    const auth = { authorization: BASIC };
    // Successes: by mobile with Basic, by email with an OAuth token.
    await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('MOBILE', [MOBILE]) } },
      headers(auth),
    );
    await postJson(
      stack.url,
      {
        query: earn,
        variables: {
          input: enrolInput('EMAIL', [EMAIL], { programId: 469, promotionId: 202090 }),
        },
      },
      headers({ 'x-cap-api-oauth-token': token }),
    );
    // Invalid input: an email where a mobile belongs, and the reverse.
    await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('MOBILE', [EMAIL, MOBILE + 'x']) } },
      headers(auth),
    );
    // Unknown customer next to a known one.
    await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('MOBILE', [UNKNOWN_MOBILE, asha!.id]) } },
      headers(auth),
    );
    // Variable coercion errors echo the values: a mobile as a number, an email as an enum.
    await postJson(
      stack.url,
      {
        query: enrol,
        variables: {
          input: {
            ...enrolInput('MOBILE', []),
            customers: [
              { identifierValue: Number(MOBILE), source: 'INSTORE' },
              { identifierValue: MOBILE, source: EMAIL },
            ],
          },
        },
      },
      headers(auth),
    );
    // Validation errors echo literals of the document.
    await postJson(
      stack.url,
      {
        query: `mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: MOBILE, customers: [{ identifierValue: ${MOBILE}, source: INSTORE }, { identifierValue: "${EMAIL}", source: "${EMAIL}" }] }) { __typename } }`,
      },
      headers(auth),
    );
    // Wrong password: the API refuses, the gateway answers UNAUTHENTICATED.
    await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('MOBILE', [MOBILE]) } },
      headers({ authorization: WRONG_BASIC }),
    );
    // A mutation over GET carries the variables in the URL.
    const query = new URLSearchParams({
      query: enrol,
      variables: JSON.stringify({ input: enrolInput('EMAIL', [EMAIL]) }),
    });
    await send(`${stack.url}?${query}`, {
      headers: headers({ ...auth, 'apollo-require-preflight': 'true' }),
    });
    // A body that is not JSON, with personal data in it.
    await postJson(stack.url, `{"query": "${MOBILE} ${EMAIL}`, headers(auth));
    // A batch of two operations.
    await postJson(
      stack.url,
      [
        { query: enrol, variables: { input: enrolInput('MOBILE', [MOBILE]) } },
        { query: enrol, variables: { input: enrolInput('EMAIL', [EMAIL]) } },
      ],
      headers(auth),
    );
    // No request id given: the gateway makes one and echoes it.
    const anonymous = await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('EMAIL', [EMAIL]) } },
      auth,
    );
    generatedRequestId = anonymous.headers.get('x-request-id');
  });
  afterAll(() => stack.close());

  it('went through the paths that echo personal data (the test exercises what it claims)', () => {
    const text = stack.logLines().join('\n');
    // The refused value graphql-js quotes back is left out of the line, whatever it is.
    expect(text).toContain('got invalid value [...] at');
    expect(text).toContain('r***@example.com');
    expect(lines().some((line) => line.msg === 'request refused' && line.level === 20)).toBe(true);
    expect(stack.sandbox.calls().length).toBeGreaterThanOrEqual(4);
  });

  it('never logs a mobile number, an email, a password, a Basic header value or a token', () => {
    const all = stack.logLines();
    expect(all.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect(all.filter((line) => line.includes(secret))).toEqual([]);
    }
  });

  it('puts the request id on every line of a request, given or generated', () => {
    const logged = lines();
    for (const id of [...requestIds, generatedRequestId]) {
      const ofRequest = logged.filter((line) => line.reqId === id);
      expect(ofRequest.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['incoming request', 'request completed']),
      );
    }
  });

  it('logs one info line per mutation with counts and duration, and no identifiers', () => {
    const mutations = lines().filter((line) => line.msg === 'mutation');
    const ofRequest = (n: number) => mutations.filter((line) => line.reqId === `log-test-${n}`);
    expect(ofRequest(1)).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: expect.any(Number),
        hostname: expect.any(String),
        reqId: 'log-test-1',
        operationName: 'EnrolCustomers',
        action: 'ENROL',
        customers: 1,
        outcome: 'EnrolCustomersResult',
        successCount: 1,
        failureCount: 0,
        replayed: false,
        durationMs: expect.any(Number),
        msg: 'mutation',
      },
    ]);
    expect(ofRequest(2)).toEqual([
      expect.objectContaining({ action: 'EARN', successCount: 1, failureCount: 0 }),
    ]);
    expect(ofRequest(3)).toEqual([
      expect.objectContaining({
        customers: 2,
        outcome: 'InvalidInputError',
        successCount: 0,
        failureCount: 2,
      }),
    ]);
    expect(ofRequest(4)).toEqual([
      expect.objectContaining({ customers: 2, successCount: 0, failureCount: 2 }),
    ]);
    expect(ofRequest(7)).toEqual([
      expect.objectContaining({ outcome: 'UNAUTHENTICATED', customers: 1, failureCount: 1 }),
    ]);
    // A batch of two operations logs two mutations under one request id.
    expect(ofRequest(10)).toHaveLength(2);
    // Coercion and validation failures never ran a mutation.
    expect(ofRequest(5)).toEqual([]);
    expect(ofRequest(6)).toEqual([]);
  });

  it('logs the access line without the query string', () => {
    const get = lines().find(
      (line) => line.reqId === 'log-test-8' && line.msg === 'incoming request',
    );
    expect(get?.req).toEqual({ method: 'GET', url: '/graphql', remoteAddress: '127.0.0.1' });
  });
});
