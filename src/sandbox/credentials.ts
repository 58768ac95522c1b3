/**
 * Who is calling: Basic (`username:md5hex(password)`) and OAuth tokens from
 * `POST /v3/oauth/token/generate`, each credential belonging to one org.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { DemoData } from './demo-catalog';

export interface Principal {
  org: string;
  writeAccess: boolean;
}

export interface IssuedToken {
  accessToken: string;
  ttlSeconds: number;
}

/** sha256 hex of the credential header values, so the call log never holds them. */
export function credentialHashOf(headers: {
  authorization?: string | null;
  oauthToken?: string | null;
}): string {
  return createHash('sha256')
    .update(`${headers.authorization ?? ''}\n${headers.oauthToken ?? ''}`)
    .digest('hex');
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

export class CredentialStore {
  /** `username:md5hex` → principal. */
  private readonly basic = new Map<string, Principal>();
  private readonly oauthClients = new Map<string, Principal & { secret: string }>();
  private readonly tokens = new Map<string, Principal & { expiresAtMs: number }>();
  private readonly signingKey = randomBytes(32);

  constructor(
    data: DemoData,
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {
    for (const org of data.orgs) {
      for (const user of org.basic) {
        const md5 = createHash('md5').update(user.password).digest('hex');
        this.basic.set(`${user.username}:${md5}`, { org: org.org, writeAccess: user.writeAccess });
      }
      for (const client of org.oauth) {
        this.oauthClients.set(client.key, {
          org: org.org,
          writeAccess: client.writeAccess,
          secret: client.secret,
        });
      }
    }
  }

  /** A JWT-like token (header.payload.signature); only this store's issued tokens are valid. */
  issueToken(key: unknown, secret: unknown): IssuedToken | null {
    const client = typeof key === 'string' ? this.oauthClients.get(key) : undefined;
    if (client === undefined || client.secret !== secret) return null;
    const issuedAtMs = this.now();
    const expiresAtMs = issuedAtMs + this.ttlSeconds * 1000;
    this.pruneExpired(issuedAtMs);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({
        sub: key,
        org: client.org,
        iat: Math.floor(issuedAtMs / 1000),
        exp: Math.floor(expiresAtMs / 1000),
        jti: randomUUID(),
      }),
    );
    const signature = createHmac('sha256', this.signingKey)
      .update(`${header}.${payload}`)
      .digest('base64url');
    const accessToken = `${header}.${payload}.${signature}`;
    this.tokens.set(accessToken, { org: client.org, writeAccess: client.writeAccess, expiresAtMs });
    return { accessToken, ttlSeconds: this.ttlSeconds };
  }

  /** The principal of the first valid credential (OAuth token, then Basic), or null. */
  authenticate(
    authorization: string | undefined,
    oauthToken: string | undefined,
  ): Principal | null {
    if (oauthToken !== undefined) {
      const token = this.tokens.get(oauthToken.trim());
      if (token !== undefined) {
        if (this.now() < token.expiresAtMs) return token;
        this.tokens.delete(oauthToken.trim());
      }
    }
    if (authorization !== undefined) {
      const match = /^Basic\s+(\S+)\s*$/i.exec(authorization);
      if (match?.[1] !== undefined) {
        const decoded = Buffer.from(match[1], 'base64').toString('utf8');
        const separator = decoded.indexOf(':');
        const normalized =
          separator < 0
            ? decoded
            : `${decoded.slice(0, separator)}:${decoded.slice(separator + 1).toLowerCase()}`;
        const principal = this.basic.get(normalized);
        if (principal !== undefined) return principal;
      }
    }
    return null;
  }

  private pruneExpired(nowMs: number): void {
    // Bounded work per issue: a benchmark that asks for tokens in a loop must not grow memory.
    if (this.tokens.size < 1000) return;
    for (const [token, entry] of this.tokens) {
      if (entry.expiresAtMs <= nowMs) this.tokens.delete(token);
    }
  }
}
