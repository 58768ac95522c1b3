/**
 * The read side's test upstream: a real http.createServer in front of the sandbox that
 * forwards every call, and on GET can misbehave the way a test scripts (5xx, reset, 429,
 * a body of the wrong shape) or hold answers until the test lets them go.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import {
  DEMO_CREDENTIALS,
  startSandbox,
  type RunningSandbox,
  type StartSandboxOptions,
} from '../../src/sandbox';
import { startGateway, type Gateway, type GatewayDependencies } from '../../src/server';
import {
  CustomerPromotionsDocument,
  type CustomerPromotionsQuery,
  type CustomerPromotionsQueryVariables,
} from '../generated/graphql';
import { execute } from '../support/stack';

export const demoAuth = { authorization: DEMO_CREDENTIALS.authorizationHeader };

export type Scripted = (
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'reset' }
) & {
  /** Only GETs whose path starts with this; default: any GET. */
  path?: string;
};

export interface ReceivedCall {
  method: string;
  /** Path and query string, as the gateway sent them. */
  url: string;
}

export interface TestUpstream {
  url: string;
  /** Every call received, in order. */
  calls: ReceivedCall[];
  /** GETs answered from this list first, one each, before any is forwarded. */
  script: Scripted[];
  /** While set, answers of forwarded GETs are kept until `release()`. */
  holding: boolean;
  /** Answers kept so far. */
  held(): number;
  release(): void;
  close(): Promise<void>;
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string' && k !== 'content-length' && k !== 'connection') out[k] = v;
          }
          resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
        });
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

export async function startTestUpstream(targetUrl: string): Promise<TestUpstream> {
  const target = new URL(targetUrl);
  let waiting: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      upstream.calls.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
      const index =
        req.method === 'GET'
          ? upstream.script.findIndex(
              (s) => s.path === undefined || (req.url ?? '').startsWith(s.path),
            )
          : -1;
      const scripted = index < 0 ? undefined : upstream.script.splice(index, 1)[0];
      if (scripted?.kind === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      if (scripted?.kind === 'status') {
        const text =
          typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body ?? {});
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        res.end(text);
        return;
      }
      const hold = req.method === 'GET' && upstream.holding;
      void forward(target, req, Buffer.concat(chunks)).then(
        (answer) => {
          const send = () => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          };
          if (hold) waiting.push(send);
          else send();
        },
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstream: TestUpstream = {
    url: `http://127.0.0.1:${port}`,
    calls: [],
    script: [],
    holding: false,
    held: () => waiting.length,
    release() {
      upstream.holding = false;
      const sends = waiting;
      waiting = [];
      for (const send of sends) send();
    },
    close: () =>
      new Promise<void>((resolve) => {
        upstream.release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return upstream;
}

export type CustomerPromotionsPayload = CustomerPromotionsQuery['customerPromotions'];
export type PromotionsPage = Extract<
  CustomerPromotionsPayload,
  { __typename: 'CustomerPromotions' }
>;
export type ReadInput = CustomerPromotionsQueryVariables['input'];

export function byId(identifierValue: string, rest: Partial<ReadInput> = {}): ReadInput {
  return { customer: { identifierName: 'ID', identifierValue, source: 'INSTORE' }, ...rest };
}

/** customerPromotions over HTTP; its payload (a top-level error fails the test). */
export async function customerPromotions(
  url: string,
  input: ReadInput,
  headers: Record<string, string> = demoAuth,
): Promise<CustomerPromotionsPayload> {
  const { status, body } = await execute(url, CustomerPromotionsDocument, { input }, headers);
  const payload = body.data?.customerPromotions;
  if (status !== 200 || payload === undefined || body.errors !== undefined) {
    throw new Error(`expected a payload, got HTTP ${status}: ${JSON.stringify(body)}`);
  }
  return payload;
}

export function asPage(payload: CustomerPromotionsPayload): PromotionsPage {
  if (payload.__typename !== 'CustomerPromotions') {
    throw new Error(`expected CustomerPromotions, got ${JSON.stringify(payload)}`);
  }
  return payload;
}

/** The lookups among the calls an upstream received. */
export function lookups(calls: readonly ReceivedCall[]): ReceivedCall[] {
  return calls.filter((c) => c.url.startsWith('/v2/customers/lookup/promotionData'));
}

export interface ReadStack {
  sandbox: RunningSandbox;
  upstream: TestUpstream;
  gateway: Gateway;
  url: string;
  close(): Promise<void>;
}

/** The sandbox, the test upstream in front of it, and a gateway that calls the upstream. */
export async function startReadStack(
  env: Record<string, string> = {},
  sandboxOptions: StartSandboxOptions = {},
  gatewayOptions: Pick<GatewayDependencies, 'metricsPort'> = {},
): Promise<ReadStack> {
  const sandbox = await startSandbox({ port: 0, ...sandboxOptions });
  const upstream = await startTestUpstream(sandbox.url);
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    PROMOTION_API_URL: upstream.url,
    ...env,
  });
  const gateway = await startGateway(config, {
    apiUrl: upstream.url,
    logger: pino({ level: 'silent' }),
    ...gatewayOptions,
  });
  return {
    sandbox,
    upstream,
    gateway,
    url: gateway.graphqlUrl,
    close: async () => {
      await gateway.close();
      await upstream.close();
      await sandbox.close();
    },
  };
}

/** A fresh OAuth token of org demo: another caller than the Basic credentials. */
export async function demoOAuthToken(sandboxUrl: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/v3/oauth/token/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'demo-key', secret: 'demo-secret' }),
  });
  return ((await response.json()) as { data: { accessToken: string } }).data.accessToken;
}
