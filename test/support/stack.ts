/**
 * Starts the real thing for end-to-end tests: the sandbox and the gateway, each on
 * its own port from listen(0), talking over real sockets.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import pino from 'pino';
import { loadConfig, type GatewayConfig } from '../../src/config';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox';
import { startGateway, type Gateway, type GatewayDependencies } from '../../src/server';

export interface Stack {
  sandbox: RunningSandbox;
  gateway: Gateway;
  config: GatewayConfig;
  close(): Promise<void>;
}

/** Gateway settings as environment variables, exactly as an operator would set them. */
export async function startStack(
  env: Record<string, string> = {},
  sandboxOptions: StartSandboxOptions = {},
  gatewayOptions: Pick<GatewayDependencies, 'metricsPort'> = {},
): Promise<Stack> {
  const sandbox = await startSandbox({ port: 0, ...sandboxOptions });
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
    PROMOTION_API_URL: sandbox.url,
    ...env,
  });
  const gateway = await startGateway(config, {
    apiUrl: sandbox.url,
    logger: pino({ level: 'silent' }),
    ...gatewayOptions,
  });
  return {
    sandbox,
    gateway,
    config,
    close: async () => {
      await gateway.close();
      await sandbox.close();
    },
  };
}

export interface GraphQLResponse<TData> {
  status: number;
  body: ExecutionResult<TData>;
}

/** Sends one operation over HTTP, as any client would. */
export async function execute<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return { status: response.status, body: (await response.json()) as ExecutionResult<TData> };
}

/** Sends several operations as one batched HTTP request (a JSON array). */
export async function executeBatch<TData, TVariables>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variablesList: TVariables[],
  headers: Record<string, string> = {},
): Promise<{ status: number; bodies: ExecutionResult<TData>[] }> {
  const query = print(document);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(variablesList.map((variables) => ({ query, variables }))),
  });
  return { status: response.status, bodies: (await response.json()) as ExecutionResult<TData>[] };
}
