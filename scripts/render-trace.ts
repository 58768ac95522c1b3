/**
 * Draws docs/trace-coalesced-call.svg from real spans: a gateway with tracing on, exporting
 * to a local OTLP receiver, answers six concurrent single-customer mutations that share one
 * API call; the picture is the six operation spans and the one call span linked to them.
 *
 *   npx ts-node --transpile-only scripts/render-trace.ts
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startOtlpReceiver, type ReceivedSpan } from '../bench/otlp-receiver';
import { loadConfig } from '../src/config';
import { DEMO_CREDENTIALS, demoCustomers, startSandbox } from '../src/sandbox';
import { startGateway } from '../src/server';

const OPERATIONS = 6;
const OUT = path.join(__dirname, '..', 'docs', 'trace-coalesced-call.svg');

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function svgOf(operations: ReceivedSpan[], call: ReceivedSpan): string {
  const spans = [...operations, call];
  const start = spans.reduce((min, s) => (s.startNs < min ? s.startNs : min), call.startNs);
  const end = spans.reduce((max, s) => (s.endNs > max ? s.endNs : max), call.endNs);
  const totalMs = Number(end - start) / 1e6;
  const [left, width, rowHeight, top] = [330, 560, 26, 40];
  const x = (ns: bigint) => left + (Number(ns - start) / 1e6 / totalMs) * width;
  const rows = spans.map((span, i) => {
    const y = top + i * rowHeight;
    const isCall = span === call;
    const ms = (Number(span.endNs - span.startNs) / 1e6).toFixed(1);
    const label = isCall
      ? `${span.name} · ${span.attributes['gateway.customers']} customers, ${span.links.length} links`
      : `${span.name} · trace ${span.traceId.slice(0, 8)}…`;
    return [
      `<text x="8" y="${y + 16}" font-size="12">${escape(label)}</text>`,
      `<rect x="${x(span.startNs).toFixed(1)}" y="${y + 4}" width="${Math.max(2, x(span.endNs) - x(span.startNs)).toFixed(1)}" height="16" rx="3" fill="${isCall ? '#d9822b' : '#4a7dbd'}"/>`,
      `<text x="${(x(span.endNs) + 4).toFixed(1)}" y="${y + 16}" font-size="11" fill="#555">${ms} ms</text>`,
    ].join('');
  });
  const callY = top + operations.length * rowHeight + 12;
  // A link from the call span to each operation span it carried customers of.
  const links = operations.map((_op, i) => {
    const y = top + i * rowHeight + 20;
    const cx = x(call.startNs);
    return `<line x1="${cx.toFixed(1)}" y1="${callY - 8}" x2="${cx.toFixed(1)}" y2="${y}" stroke="#d9822b" stroke-dasharray="3,3" stroke-width="1"/><circle cx="${cx.toFixed(1)}" cy="${y}" r="2.5" fill="#d9822b"/>`;
  });
  const height = top + spans.length * rowHeight + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 70}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="22" font-size="14" font-weight="bold">${OPERATIONS} operations (6 traces), one API call linked to each (${totalMs.toFixed(1)} ms in all)</text>`,
    ...rows,
    ...links,
    `<text x="8" y="${height - 8}" font-size="11" fill="#555">Blue: a span per GraphQL operation (SERVER). Orange: the API call (CLIENT), a trace of its own; dashed: its links.</text>`,
    '</svg>',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const receiver = await startOtlpReceiver();
  const sandbox = await startSandbox({ port: 0, faults: { latencyMs: 40 } });
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    PROMOTION_API_URL: sandbox.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    // The call leaves as soon as the six are in, whatever a cold start costs.
    UPSTREAM_BATCH_SIZE: String(OPERATIONS),
    BATCH_WINDOW_MS: '1000',
  });
  const gateway = await startGateway(config, {
    apiUrl: sandbox.url,
    logger: pino({ level: 'silent' }),
  });
  const query =
    'mutation Enrol($input: EnrolCustomersInput!) { enrolCustomers(input: $input) { __typename } }';
  await Promise.all(
    demoCustomers('demo')
      .slice(0, OPERATIONS)
      .map((customer) =>
        fetch(gateway.graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: DEMO_CREDENTIALS.authorizationHeader,
          },
          body: JSON.stringify({
            query,
            variables: {
              input: {
                promotion: { programId: 469, promotionId: 57099 },
                identifierName: 'ID',
                customers: [{ identifierValue: customer.id, source: 'INSTORE' }],
              },
            },
          }),
        }).then((r) => r.text()),
      ),
  );
  await gateway.close();
  await sandbox.close();
  await receiver.close();
  const spans = receiver.spans();
  const calls = spans.filter((s) => s.kind === 3);
  const operations = spans
    .filter((s) => s.kind === 2)
    .sort((a, b) => Number(a.startNs - b.startNs));
  if (calls.length !== 1 || operations.length !== OPERATIONS) {
    throw new Error(
      `expected 1 call and ${OPERATIONS} operations, got ${calls.length} and ${operations.length}`,
    );
  }
  writeFileSync(OUT, svgOf(operations, calls[0] as ReceivedSpan));
  console.log(`written ${path.relative(process.cwd(), OUT)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
