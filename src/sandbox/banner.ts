import { ACME_CREDENTIALS, DEMO_CREDENTIALS } from './demo-catalog';
import type { Faults } from './faults';
import { ENROL_AND_EARN_PATH, OAUTH_TOKEN_PATH } from './router';

/** The vendor page's first request example, as a copy-paste curl against `url`. */
export function curlExample(url: string): string {
  const body = JSON.stringify({
    type: 'CUSTOMER',
    bulkAction: 'ENROL',
    promotionDetails: { programId: 469, promotionId: 57099 },
    identifierName: 'id',
    customers: [{ identifierValue: '555567088', source: 'INSTORE' }],
  });
  return [
    `curl -s -X POST ${url}${ENROL_AND_EARN_PATH} \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -H 'Authorization: ${DEMO_CREDENTIALS.authorizationHeader}' \\`,
    `  -d '${body}'`,
  ].join('\n');
}

/** What `npm run sandbox` prints at start. */
export function sandboxBanner(url: string, faults: Faults): string {
  const demoOauth = DEMO_CREDENTIALS.oauth;
  const acmeOauth = ACME_CREDENTIALS.oauth;
  const activeFaults = Object.entries(faults)
    .filter(([key, value]) => value !== null && value !== 0 && key !== 'retryAfterSeconds')
    .map(([key, value]) => `${key}=${String(value)}`);
  return [
    `promotion API sandbox listening at ${url}`,
    `  POST ${url}${ENROL_AND_EARN_PATH}`,
    `  POST ${url}${OAUTH_TOKEN_PATH}  (header X-CAP-API-OAUTH-TOKEN)`,
    `  admin: GET ${url}/__sandbox/ledger | GET /__sandbox/calls | POST /__sandbox/reset | GET,PUT /__sandbox/faults`,
    `  faults: ${activeFaults.length > 0 ? activeFaults.join(', ') : 'none'}`,
    '',
    `org demo (program 469): Basic ${DEMO_CREDENTIALS.username} / ${DEMO_CREDENTIALS.password}`,
    `  Authorization: ${DEMO_CREDENTIALS.authorizationHeader}`,
    `  OAuth key / secret: ${demoOauth?.key ?? '-'} / ${demoOauth?.secret ?? '-'}`,
    `org acme (program 699): Basic ${ACME_CREDENTIALS.username} / ${ACME_CREDENTIALS.password}`,
    `  Authorization: ${ACME_CREDENTIALS.authorizationHeader}`,
    `  OAuth key / secret: ${acmeOauth?.key ?? '-'} / ${acmeOauth?.secret ?? '-'}`,
    '',
    "Try it (the vendor page's first example):",
    curlExample(url),
    '',
  ].join('\n');
}
