/**
 * DESIGN §9 on logs, replayed as an outsider would attack them: a real gateway logging
 * at `trace` to captured lines, and a corpus of requests that carry customer data and
 * credentials where logs used to pick them up — query strings, URL-encoded, spaced,
 * escaped and full-width forms, bad credentials. No captured line may hold any of it,
 * and a caller's request id must be logged exactly as sent.
 */
import { createHash } from 'node:crypto';
import { print } from 'graphql';
import { DEMO_CREDENTIALS, basicAuthorization, demoCustomers } from '../../../src/sandbox';
import { EnrolCustomersDocument } from '../../generated/graphql';
import {
  enrolInput,
  oauthToken,
  postJson,
  send,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from '../support';

const [asha, ravi] = demoCustomers('demo');
const MOBILE = asha!.mobile; // 919986000586
const EMAIL = asha!.email;
const OTHER_EMAIL = ravi!.email;
const PASSWORD = DEMO_CREDENTIALS.password;
const BASIC = DEMO_CREDENTIALS.authorizationHeader;
const WRONG_PASSWORD = 'not-the-demo-password';
const WRONG_BASIC = basicAuthorization(DEMO_CREDENTIALS.username, WRONG_PASSWORD);
const WRONG_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.not-a-real-token.c2lnbmF0dXJl';
/** 8–15 digits: shaped like a mobile, and still the caller's to quote back. */
const DIGIT_REQUEST_ID = '123456789012';
/** A customer id too short to look like a mobile, which graphql-js quotes back when it is a number. */
const SHORT_ID = 7_654_321;

/** `+91 99860 00586` */
const SPACED_MOBILE = `+${MOBILE.slice(0, 2)} ${MOBILE.slice(2, 7)} ${MOBILE.slice(7)}`;
/** Every ASCII character of the email as its full-width twin (`＠`, `．`, letters). */
const FULL_WIDTH_EMAIL = [...EMAIL]
  .map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
  .join('');
const ENCODED_MOBILE = `%2b${MOBILE}`;
const ENCODED_EMAIL = encodeURIComponent(EMAIL); // asha.rao%40example.com

const enrol = print(EnrolCustomersDocument);

/** Everything a log line must never hold, in clear. */
const SECRETS = [
  PASSWORD,
  WRONG_PASSWORD,
  BASIC.replace(/^Basic /, ''),
  WRONG_BASIC.replace(/^Basic /, ''),
  createHash('md5').update(PASSWORD).digest('hex'),
  WRONG_TOKEN,
];
const EMAIL_LOCAL_PARTS = [EMAIL, OTHER_EMAIL].map((e) => e.slice(0, e.indexOf('@')));
/** Names of the query parameters the corpus sends: none may reach a line. */
const QUERY_PARAMETERS = ['mobile=', 'email=', 'auth=', 'access_token=', 'password=', 'variables='];

/**
 * A line as a reader (or a grep) could decode it: %XX escapes undone (byte by byte,
 * never throwing), compatibility forms folded (full-width to ASCII).
 */
function decoded(line: string): string {
  return line
    .replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .normalize('NFKC');
}

/** Letters, digits, `@` and `.` only: a number spaced, dashed or escaped is whole again. */
function squeezed(text: string): string {
  return text.replace(/\\[tnrbf]/g, '').replace(/[^0-9a-z@.]/gi, '');
}

describe('logs under attack (DESIGN §9)', () => {
  let stack: SecureStack;
  let token: string;
  let digitIdResponse: RawResponse;
  let unknownCustomerResponse: RawResponse;
  let unknownProgramResponse: RawResponse;
  let lines: string[];

  beforeAll(async () => {
    stack = await startSecureStack({ LOG_LEVEL: 'trace' });
    token = await oauthToken(stack.sandbox);
    const base = stack.url.replace(/\/graphql$/, '');
    const basic = { authorization: BASIC };

    // 404s whose URLs carry personal data and credentials, encoded and not.
    const notFound = [
      `/nope?mobile=${ENCODED_MOBILE}&email=${ENCODED_EMAIL}`,
      `/nope?mobile=${MOBILE}&email=${EMAIL}`,
      `/nope?auth=${encodeURIComponent(BASIC)}`,
      `/nope?access_token=${encodeURIComponent(`Bearer ${token}`)}&password=${PASSWORD}`,
      `/customers/${ENCODED_EMAIL}/${ENCODED_MOBILE}`,
      `/customers/${encodeURIComponent(SPACED_MOBILE)}`,
      `/customers/${encodeURIComponent(FULL_WIDTH_EMAIL)}`,
    ];
    for (const path of notFound) await send(`${base}${path}`, { headers: basic });
    // fastify refuses a malformed path (400) without logging it; the corpus keeps it.
    await send(`${base}/bad%E0%A4%ZZ%/${MOBILE}?password=${WRONG_PASSWORD}`, { headers: basic });

    // A GET operation carries its variables in the URL.
    const get = new URLSearchParams({
      query: enrol,
      variables: JSON.stringify({ input: enrolInput('EMAIL', [EMAIL, OTHER_EMAIL]) }),
    });
    await send(`${stack.url}?${get}`, {
      headers: { ...basic, 'apollo-require-preflight': 'true' },
    });
    const badGet = new URLSearchParams({
      query: enrol,
      variables: JSON.stringify({
        input: { ...enrolInput('MOBILE', []), customers: [{ identifierValue: 1, source: MOBILE }] },
      }),
    });
    await send(`${stack.url}?${badGet}`, {
      headers: { ...basic, 'apollo-require-preflight': 'true' },
    });

    // A short customer id given as a number: graphql-js quotes it back in its refusal.
    await postJson(
      stack.url,
      {
        query: enrol,
        variables: {
          input: {
            ...enrolInput('ID', []),
            customers: [{ identifierValue: SHORT_ID, source: 'INSTORE' }],
          },
        },
      },
      basic,
    );
    await postJson(
      stack.url,
      {
        query: `mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: ID, customers: [{ identifierValue: ${SHORT_ID}, source: INSTORE }] }) { __typename } }`,
      },
      basic,
    );

    // Bad input: GraphQL echoes the offending value in BAD_USER_INPUT (logged at debug).
    for (const value of [
      `\t${MOBILE}`,
      SPACED_MOBILE,
      `${MOBILE.slice(0, 4)}-${MOBILE.slice(4, 8)}-${MOBILE.slice(8)}`,
      ENCODED_MOBILE,
      ENCODED_EMAIL,
      FULL_WIDTH_EMAIL,
      `mail: ${EMAIL}`,
      // Malformed escapes must neither throw nor shield what follows them.
      `%E0%A4%ZZ%/${MOBILE}`,
    ]) {
      await postJson(
        stack.url,
        {
          query: enrol,
          variables: {
            input: {
              ...enrolInput('MOBILE', []),
              customers: [{ identifierValue: MOBILE, source: value }],
            },
          },
        },
        basic,
      );
      // The same value as a literal of the document: a validation error echoes it.
      await postJson(
        stack.url,
        {
          query: `mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: MOBILE, customers: [{ identifierValue: ${JSON.stringify(value)}, source: ${JSON.stringify(value)} }] }) { __typename } }`,
        },
        basic,
      );
    }
    // A body that is not JSON, with personal data in it.
    await postJson(stack.url, `{"query": "${SPACED_MOBILE} ${EMAIL} ${FULL_WIDTH_EMAIL}`, basic);

    // Bad credentials of every kind.
    const badCredentials: Record<string, string>[] = [
      { authorization: WRONG_BASIC },
      { authorization: `Bearer ${WRONG_TOKEN}` },
      { 'x-cap-api-oauth-token': WRONG_TOKEN },
      { authorization: `Basic ${Buffer.from(`${EMAIL}:${WRONG_PASSWORD}`).toString('base64')}` },
    ];
    for (const headers of badCredentials) {
      await postJson(
        stack.url,
        { query: enrol, variables: { input: enrolInput('MOBILE', [MOBILE]) } },
        headers,
      );
    }

    // A request id of 12 digits, on a mutation that succeeds.
    digitIdResponse = await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('MOBILE', [MOBILE]) } },
      { ...basic, 'x-request-id': DIGIT_REQUEST_ID },
    );
    // Upstream errors: a customer the org does not have, a program it does not have.
    unknownCustomerResponse = await postJson(
      stack.url,
      { query: enrol, variables: { input: enrolInput('ID', ['999999999', asha!.id]) } },
      { ...basic, 'x-request-id': 'unknown-customer' },
    );
    unknownProgramResponse = await postJson(
      stack.url,
      {
        query: enrol,
        variables: {
          input: enrolInput('ID', [asha!.id], { programId: 99_999, promotionId: 57099 }),
        },
      },
      { ...basic, 'x-request-id': 'unknown-program' },
    );
    lines = stack.logLines();
    if (process.env.DUMP_LOG_LINES) console.log(lines.join('\n'));
  });
  afterAll(() => stack.close());

  it('went through the paths that log URLs and echo values (the corpus reaches them)', () => {
    const messages = lines.map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');
    expect(messages.filter((msg) => /^Route GET:\S+ not found$/.test(msg))).toHaveLength(7);
    expect(messages.filter((msg) => msg === 'request refused').length).toBeGreaterThanOrEqual(16);
    expect(lines.some((line) => line.includes('got invalid value'))).toBe(true);
    expect(lines.some((line) => line.includes('cannot represent'))).toBe(true);
  });

  it('holds no mobile, in any form', () => {
    const leaking = lines.filter((line) => squeezed(decoded(line)).includes(MOBILE));
    expect(leaking).toEqual([]);
  });

  it('holds no email, in any form', () => {
    const leaking = lines.filter((line) => {
      const text = decoded(line).toLowerCase();
      return EMAIL_LOCAL_PARTS.some(
        (local) => text.includes(local) || squeezed(text).includes(local),
      );
    });
    expect(leaking).toEqual([]);
  });

  it('holds no customer id the caller sent as a number, however short', () => {
    expect(lines.filter((line) => line.includes(String(SHORT_ID)))).toEqual([]);
  });

  it('holds no password, token or Basic value', () => {
    for (const secret of [...SECRETS, token]) {
      expect(lines.filter((line) => decoded(line).includes(secret))).toEqual([]);
    }
  });

  it('holds no query string', () => {
    const withQuery = lines.filter((line) => {
      const text = decoded(line);
      return QUERY_PARAMETERS.some((name) => text.includes(name)) || /\/[^\s"?]*\?\S/.test(text);
    });
    expect(withQuery).toEqual([]);
  });

  it('logs a request id of digits as the client sent it', () => {
    expect(digitIdResponse.headers.get('x-request-id')).toBe(DIGIT_REQUEST_ID);
    const ofRequest = lines
      .map((line) => JSON.parse(line) as { reqId?: string; msg?: string })
      .filter((line) => line.reqId === DIGIT_REQUEST_ID)
      .map((line) => line.msg);
    expect(ofRequest).toEqual(
      expect.arrayContaining(['incoming request', 'mutation', 'request completed']),
    );
  });

  it("names upstream errors in the mutation line by their GraphQL type, as the payload's __typename", () => {
    const mutationLine = (reqId: string) =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.reqId === reqId && line.msg === 'mutation');
    const payloadOf = (response: RawResponse) =>
      (response.json as { data: { enrolCustomers: Record<string, unknown> } }).data.enrolCustomers;
    const customerPayload = payloadOf(unknownCustomerResponse);
    const outcomes = (customerPayload.results as { outcome: { __typename: string } }[]).map(
      (result) => result.outcome.__typename,
    );
    expect(outcomes).toEqual(['CustomerNotFoundError', 'Enrolment']);
    expect(mutationLine('unknown-customer')).toEqual([
      expect.objectContaining({
        outcome: customerPayload.__typename,
        successCount: 1,
        failureCount: 1,
        failures: { CustomerNotFoundError: 1 },
      }),
    ]);
    expect(payloadOf(unknownProgramResponse).__typename).toBe('InvalidProgramError');
    expect(mutationLine('unknown-program')).toEqual([
      expect.objectContaining({ outcome: 'InvalidProgramError', failureCount: 1 }),
    ]);
  });
});
