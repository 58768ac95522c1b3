/**
 * A partner's batch job: enrol every customer id of a file (one per line) in chunks,
 * print what happened to each, and retry safely. Run from the repository's root (its
 * tsconfig has Node's types): GATEWAY_URL=… AUTHORIZATION=… \
 *   npx ts-node -P tsconfig.json clients/typescript/examples/enrol-file.ts customers.txt
 */
import { readFileSync } from 'node:fs';
import { GatewayClient, GatewayUnreachableError, type EnrolCustomersPayload } from '../src';

type Outcome = Extract<
  EnrolCustomersPayload,
  { __typename: 'EnrolCustomersResult' }
>['results'][number]['outcome'];

function describe(outcome: Outcome): string {
  switch (outcome.__typename) {
    case 'Enrolment':
      return `enrolled (issualId ${outcome.issualId})`;
    case 'OutcomeUnknownError':
    case 'RateLimitedError':
    case 'UpstreamUnavailableError':
    case 'CustomerBusyError':
      return `not finished: ${outcome.message} (run again with the same key)`;
    case 'CustomerNotFoundError':
    case 'InvalidProgramError':
    case 'InvalidPromotionError':
    case 'IssueFailedError':
    case 'LimitExhaustedError':
    case 'PromotionInactiveError':
    case 'UnsupportedActionError':
    case 'UpstreamError':
      return `refused: ${outcome.message} (${outcome.upstreamCode})`;
    default: {
      // A new member in the schema makes this line a compile error.
      const unhandled: never = outcome;
      return `unknown outcome ${JSON.stringify(unhandled)}`;
    }
  }
}

export async function enrolFile(path: string, jobId: string): Promise<void> {
  const client = new GatewayClient({
    url: process.env.GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql',
    headers: { authorization: process.env.AUTHORIZATION ?? '' },
  });
  const ids = readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const { maxCustomersPerMutation } = await client.gatewayLimits();
  for (let start = 0; start < ids.length; start += maxCustomersPerMutation) {
    const chunk = ids.slice(start, start + maxCustomersPerMutation);
    // A key per chunk of this job: running the job again replays what is done, finishes the rest.
    const idempotencyKey = `${jobId}-${start}`;
    try {
      const { payload, settled } = await client.enrolCustomers(
        {
          idempotencyKey,
          promotion: { programId: 469, promotionId: 57099 },
          identifierName: 'ID',
          customers: chunk.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
        },
        { timeoutMs: 120_000 },
      );
      if (payload.__typename !== 'EnrolCustomersResult') {
        console.log(`chunk ${idempotencyKey}: ${payload.__typename}: ${payload.message}`);
        continue;
      }
      for (const { identifierValue, outcome } of payload.results) {
        console.log(`${identifierValue}: ${describe(outcome)}`);
      }
      if (!settled) console.log(`chunk ${idempotencyKey}: not finished; run the job again`);
    } catch (error) {
      if (!(error instanceof GatewayUnreachableError)) throw error;
      console.log(`chunk ${idempotencyKey}: no answer; run the job again (${error.message})`);
    }
  }
}

if (require.main === module) {
  void enrolFile(process.argv[2] ?? 'customers.txt', process.argv[3] ?? 'enrol-job-1');
}
