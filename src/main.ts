import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { DEMO_CREDENTIALS, startSandbox } from './sandbox';
import { startGateway } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`promotion-gateway: bad configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config);
  const sandbox = config.promotionApiUrl === null ? await startSandbox({ port: 0 }) : null;
  const apiUrl = config.promotionApiUrl ?? sandbox!.url;
  const gateway = await startGateway(config, { apiUrl, logger });

  if (sandbox) {
    const auth = DEMO_CREDENTIALS.authorizationHeader;
    const example = JSON.stringify({
      query:
        'mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: ID, customers: [{ identifierValue: "555567088", source: INSTORE }] }) { __typename ... on EnrolCustomersResult { successCount results { identifierValue outcome { __typename ... on Enrolment { issualId } ... on MutationError { message } } } } ... on MutationError { message } } }',
    });
    console.log(
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
      ].join('\n'),
    );
  } else {
    // With PORT=0 this line is how a supervisor (or test/faults) learns the bound port.
    console.log(`promotion-gateway is serving GraphQL at ${gateway.graphqlUrl} (API: ${apiUrl})`);
  }

  let stopping = false;
  const shutdown = (signal: string): void => {
    // A repeat is ignored, not fatal: `npm start` forwards the terminal's SIGINT to a
    // process that already got it from its process group. The timer below bounds the wait.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than the API deadline; exiting');
      process.exit(1);
    }, config.promotionApiTimeoutMs + 5_000);
    timer.unref();
    gateway
      .close()
      .then(() => sandbox?.close())
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
  console.error('promotion-gateway failed to start:', error);
  process.exit(1);
});
