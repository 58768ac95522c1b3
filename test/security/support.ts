/**
 * A sandbox and a gateway on real sockets, like test/support/stack.ts, with what the
 * security tests need besides: the gateway's own logger writing to captured lines, and
 * a replaceable submitter to inject failures.
 */
import { Writable } from 'node:stream';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import type { PromotionSubmitter } from '../../src/promotion/promotion.service';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox';
import { startGateway, type Gateway, type GatewayDependencies } from '../../src/server';

export interface SecureStack {
  sandbox: RunningSandbox;
  gateway: Gateway;
  config: GatewayConfig;
  url: string;
  /** Every line the gateway logged so far, as written (JSON text). */
  logLines(): string[];
  close(): Promise<void>;
}

export interface SecureStackOptions {
  sandbox?: StartSandboxOptions;
  submitter?: PromotionSubmitter;
  /** startGateway's `compile`: false, or the compiled executor's options. */
  compile?: GatewayDependencies['compile'];
}

export async function startSecureStack(
  env: Record<string, string> = {},
  options: SecureStackOptions = {},
): Promise<SecureStack> {
  const sandbox = await startSandbox({ port: 0, ...options.sandbox });
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    PROMOTION_API_URL: sandbox.url,
    ...env,
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const gateway = await startGateway(config, {
    apiUrl: sandbox.url,
    logger: createLogger(config, destination),
    ...(options.submitter ? { submitter: options.submitter } : {}),
    ...(options.compile === undefined ? {} : { compile: options.compile }),
  });
  return {
    sandbox,
    gateway,
    config,
    url: gateway.graphqlUrl,
    logLines: () => lines.flatMap((chunk) => chunk.split('\n')).filter((line) => line !== ''),
    close: async () => {
      await gateway.close();
      await sandbox.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export async function send(url: string, init: RequestInit): Promise<RawResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs a JSON body (already serialized, or a value to serialize). */
export function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export function graphqlBody(response: RawResponse): GraphQLBody {
  return response.json as GraphQLBody;
}

/** Gets an OAuth token from the sandbox, as a client would. */
export async function oauthToken(
  sandbox: RunningSandbox,
  key = 'demo-key',
  secret = 'demo-secret',
): Promise<string> {
  const response = await postJson(`${sandbox.url}/v3/oauth/token/generate`, { key, secret });
  return (response.json as { data: { accessToken: string } }).data.accessToken;
}

export function enrolInput(
  identifierName: 'ID' | 'MOBILE' | 'EMAIL',
  values: string[],
  promotion: { programId: number; promotionId: number } = { programId: 469, promotionId: 57099 },
) {
  return {
    promotion,
    identifierName,
    customers: values.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
  };
}
