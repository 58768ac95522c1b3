import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { stdoutLogDestination } from './observability/logger';
import {
  DEFAULT_SANDBOX_PORT,
  DEMO_CREDENTIALS,
  SandboxConfigError,
  sandboxOptionsFromEnv,
  startSandbox,
} from './sandbox';
import { startGateway } from './server';

/** How long a stopped gateway waits for stdout to take its last log lines. */
const MAX_LOG_DRAIN_MS = 2_000;

/** The settings that name a port to listen on, so that "in use" can say which to change. */
let portSettings: Array<[name: string, port: number]> = [];

async function main(): Promise<void> {
  let config;
  let sandboxOptions;
  try {
    config = loadConfig();
    // The embedded sandbox listens where `npm run sandbox` would, so that its OAuth
    // endpoint and admin API are at a known address (SANDBOX_PORT=0: any free port).
    sandboxOptions =
      config.promotionApiUrl === null
        ? { port: DEFAULT_SANDBOX_PORT, ...sandboxOptionsFromEnv(process.env) }
        : null;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SandboxConfigError) {
      console.error(`promotion-gateway: bad configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  portSettings = [
    ['PORT', config.port],
    ['METRICS_PORT', config.metricsPort],
    ['SANDBOX_PORT', sandboxOptions?.port ?? 0],
  ];
  // Logs and the banner share stdout, which never blocks the process (DESIGN §9).
  const stdout = stdoutLogDestination();
  const sandbox = sandboxOptions === null ? null : await startSandbox(sandboxOptions);
  const apiUrl = config.promotionApiUrl ?? sandbox!.url;
  const gateway = await startGateway(config, {
    apiUrl,
    logDestination: stdout,
    // GraphiQL can run the README's mutation as it opens, against the sandbox's demo org.
    ...(sandbox ? { graphiqlAuthorization: DEMO_CREDENTIALS.authorizationHeader } : {}),
  });
  const { logger } = gateway;

  if (sandbox) {
    const auth = DEMO_CREDENTIALS.authorizationHeader;
    const example = JSON.stringify({
      query:
        'mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: ID, customers: [{ identifierValue: "555567088", source: INSTORE }] }) { __typename ... on EnrolCustomersResult { successCount results { identifierValue outcome { __typename ... on Enrolment { issualId } ... on MutationError { message } } } } ... on MutationError { message } } }',
    });
    stdout.write(
      [
        '',
        `promotion-gateway is serving GraphQL at ${gateway.graphqlUrl}`,
        `  upstream: the embedded sandbox at ${sandbox.url} (set PROMOTION_API_URL to use the real API)`,
        `  demo credentials (org "demo", program 469): Authorization: ${auth}`,
        '',
        'Try it:',
        `curl -s ${gateway.graphqlUrl} -H 'Content-Type: application/json' -H 'Authorization: ${auth}' \\`,
        `  -d '${example}'`,
        '',
        '',
      ].join('\n'),
    );
  } else {
    // With PORT=0 this line is how a supervisor (or test/faults) learns the bound port.
    stdout.write(
      `promotion-gateway is serving GraphQL at ${gateway.graphqlUrl} (API: ${apiUrl})\n`,
    );
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    // A second signal means whoever sent it will not wait for the graceful shutdown.
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const budgetMs = config.promotionApiTimeoutMs + 5_000;
    const deadline = Date.now() + budgetMs;
    // Nothing blocks the event loop (logs included), so this timer fires on time.
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than the API deadline; exiting');
      process.exit(1);
    }, budgetMs);
    timer.unref();
    gateway
      .close()
      .then(() => sandbox?.close())
      // The last lines get out if stdout is read at all; a full pipe does not hold the exit.
      .then(() => stdout.drained(Math.min(MAX_LOG_DRAIN_MS, deadline - Date.now())))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  // The only signal handlers: Apollo's own are off (stopOnTerminationSignals: false),
  // since they would stop the server and re-raise the signal before we could exit 0.
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if ((error as { code?: unknown }).code === 'EADDRINUSE') {
    const { address, port } = error as { address?: string; port?: number };
    const setting = portSettings.find(([, taken]) => taken !== 0 && taken === port)?.[0] ?? 'PORT';
    const free =
      setting === 'METRICS_PORT' ? 'a free port (or 0: no metrics)' : 'a free port, or 0 for any';
    console.error(
      `promotion-gateway failed to start: ${address ?? ''}:${port ?? ''} is in use; set ${setting} to ${free}`,
    );
    process.exit(1);
  }
  console.error('promotion-gateway failed to start:', error);
  process.exit(1);
});
