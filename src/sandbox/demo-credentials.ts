import { createHash } from 'node:crypto';

/**
 * The vendor's Basic scheme: `Basic base64(username + ":" + md5hex(password))`.
 * Vendor's worked example: store123 / Pass123 → `store123:bdc87b9c894da5168059e00ebffb9077`.
 */
export function basicAuthorization(username: string, password: string): string {
  const md5 = createHash('md5').update(password).digest('hex');
  return `Basic ${Buffer.from(`${username}:${md5}`).toString('base64')}`;
}

export interface SandboxCredential {
  org: string;
  username: string;
  password: string;
  /** Ready to paste as the `Authorization` header. */
  authorizationHeader: string;
  /** Key and secret for `POST /v3/oauth/token/generate`; null when the org has no OAuth client for it. */
  oauth: { key: string; secret: string } | null;
  /** False: the API answers 403 (`errorCode 4000`) to enrolAndEarn. */
  writeAccess: boolean;
}

function credential(
  org: string,
  username: string,
  password: string,
  oauth: SandboxCredential['oauth'],
  writeAccess: boolean,
): SandboxCredential {
  return {
    org,
    username,
    password,
    authorizationHeader: basicAuthorization(username, password),
    oauth,
    writeAccess,
  };
}

/** Org `demo`, program 469: the credentials `npm start` prints and most tests use. */
export const DEMO_CREDENTIALS: SandboxCredential = credential(
  'demo',
  'demo.till',
  'demo-password',
  { key: 'demo-key', secret: 'demo-secret' },
  true,
);

/** Org `acme`, program 699: a second tenant, for isolation tests. */
export const ACME_CREDENTIALS: SandboxCredential = credential(
  'acme',
  'acme.till',
  'acme-password',
  { key: 'acme-key', secret: 'acme-secret' },
  true,
);

/** Org `demo` without write access to the customer resource: every enrolAndEarn gets 403. */
export const DEMO_READONLY_CREDENTIALS: SandboxCredential = credential(
  'demo',
  'demo.readonly',
  'readonly-password',
  null,
  false,
);

export const SANDBOX_CREDENTIALS: readonly SandboxCredential[] = [
  DEMO_CREDENTIALS,
  ACME_CREDENTIALS,
  DEMO_READONLY_CREDENTIALS,
];
