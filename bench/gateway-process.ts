/**
 * The gateway as the benchmark runs it: its own process (`node dist/bench/gateway-process.js`,
 * forked by bench/run.ts), configured by the same environment variables as `npm start`
 * (PROMOTION_API_URL must be set), so that its CPU and RSS are its own.
 *
 * BENCH_CEILING=1 replaces the batcher by a submitter that answers every customer at once
 * with an Enrolment of the usual shape (no API call): the cost of the HTTP + GraphQL layer
 * alone, the ceiling the real gateway is compared with.
 *
 * `profile-start` / `profile-stop` run V8's CPU profiler (the one behind `node --cpu-prof`,
 * same sampling, same .cpuprofile format) over exactly the measured window: start-up and
 * warm-up stay out of the profile.
 */
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/config';
import type { CustomerOutcome } from '../src/domain/outcome';
import type { PromotionRequest } from '../src/domain/promotion';
import type { PromotionSubmitter } from '../src/promotion/promotion.service';
import { startGateway, type Gateway } from '../src/server';
import { SelfMeter, serveParent, type ChildMessage } from './ipc';

/** Answers at once, one ISSUED outcome per customer, the same size as a real one. */
export const instantSubmitter: PromotionSubmitter = {
  submit(request: PromotionRequest): Promise<CustomerOutcome[]> {
    return Promise.resolve(
      request.customers.map((c): CustomerOutcome => ({
        kind: 'ISSUED',
        entityId: c.identifierValue,
        programId: 469,
        promotionId: 57099,
        promoIdentifier: 'REVIEW_REWARD',
        issualId: '123456',
        earnedId: request.action === 'EARN' ? '654321' : null,
        warnings: [],
      })),
    );
  },
};

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.promotionApiUrl === null) {
    throw new Error('PROMOTION_API_URL must be set (the benchmark starts its own sandbox)');
  }
  const ceiling = process.env.BENCH_CEILING === '1';
  const meter = new SelfMeter();
  const gateway: Gateway = await startGateway(config, {
    apiUrl: config.promotionApiUrl,
    ...(ceiling ? { submitter: instantSubmitter } : {}),
  });
  let stopping: Promise<void> | null = null;
  let profiler: Session | null = null;
  serveParent(
    async (message) => {
      switch (message.type) {
        case 'stats-reset':
          meter.reset();
          return null;
        case 'stats':
          return meter.read();
        case 'profile-start':
          profiler = new Session();
          profiler.connect();
          await profiler.post('Profiler.enable');
          // --cpu-prof's default interval.
          await profiler.post('Profiler.setSamplingInterval', { interval: 1000 });
          await profiler.post('Profiler.start');
          return null;
        case 'profile-stop': {
          if (profiler === null) return { error: 'no profile running' };
          const { profile } = await profiler.post('Profiler.stop');
          profiler.disconnect();
          profiler = null;
          await writeFile(message.file, JSON.stringify(profile));
          return { file: message.file };
        }
        default:
          return { error: `unknown request ${message.type}` };
      }
    },
    () => {
      stopping ??= (async () => {
        meter.stop();
        await gateway.close().catch(() => undefined);
        // Also exits cleanly under `node --cpu-prof` (the profile is written at exit).
        process.exit(0);
      })();
      return stopping;
    },
  );
  process.send?.({ type: 'ready', url: gateway.graphqlUrl } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String(error) } satisfies ChildMessage);
  console.error('bench gateway: failed to start', error);
  process.exit(1);
});
