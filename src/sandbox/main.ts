/** `npm run sandbox`: the emulated promotion API alone, on SANDBOX_PORT (default 4010). */
import { sandboxBanner } from './banner';
import {
  DEFAULT_SANDBOX_PORT,
  SandboxConfigError,
  sandboxOptionsFromEnv,
  startSandbox,
} from './index';

async function main(): Promise<void> {
  let options;
  try {
    options = sandboxOptionsFromEnv(process.env);
  } catch (error) {
    if (error instanceof SandboxConfigError) {
      console.error(`sandbox: bad configuration: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const sandbox = await startSandbox({ port: DEFAULT_SANDBOX_PORT, ...options });
  console.log(sandboxBanner(sandbox.url, sandbox.faults()));

  const shutdown = (signal: string): void => {
    console.log(`sandbox: ${signal}, closing`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('sandbox: close failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const { code, address, port } = error as { code?: unknown; address?: string; port?: number };
  if (code === 'EADDRINUSE') {
    console.error(
      `sandbox: failed to start: ${address ?? ''}:${port ?? ''} is in use; set SANDBOX_PORT to a free port, or 0 for any`,
    );
    process.exit(1);
  }
  console.error('sandbox: failed to start', error);
  process.exit(1);
});
