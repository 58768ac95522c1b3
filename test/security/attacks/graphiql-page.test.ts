/**
 * The GraphiQL page (DESIGN §11) attacked as a hostile site would: it carries the demo
 * Authorization header ready to send, so another origin must not be able to frame it
 * (clickjacking a "run" click), re-base its scripts, or have a browser sniff its files
 * as something else; and nothing of the request is reflected into it.
 */
import { DEMO_CREDENTIALS, startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { loadConfig } from '../../../src/config';
import { startGateway, type Gateway } from '../../../src/server';
import pino from 'pino';
import { send } from '../support';

function directivesOf(policy: string | null): Map<string, string> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const [name, ...values] = part.split(/\s+/);
        return [name!, values.join(' ')];
      }),
  );
}

describe('the GraphiQL page against a hostile site', () => {
  let sandbox: RunningSandbox;
  let gateway: Gateway;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const config = loadConfig({
      PORT: '0',
      METRICS_PORT: '0',
      PROMOTION_API_URL: sandbox.url,
    });
    gateway = await startGateway(config, {
      apiUrl: sandbox.url,
      logger: pino({ level: 'silent' }),
      graphiqlAuthorization: DEMO_CREDENTIALS.authorizationHeader,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await sandbox?.close();
  });

  it('may not be framed by another origin, and its base, forms and files are pinned', async () => {
    const page = await send(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain(DEMO_CREDENTIALS.authorizationHeader);
    const policy = directivesOf(page.headers.get('content-security-policy'));
    // default-src covers none of these three: each must be said.
    expect(policy.get('frame-ancestors')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(policy.get('form-action')).toBe("'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const asset = await send(new URL('/graphiql/start.js', gateway.graphqlUrl).href, {});
    expect(asset.status).toBe(200);
    expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('reflects nothing of the request into the page', async () => {
    const marker = '<img src=x onerror=alert(1)>';
    const url = new URL(gateway.graphqlUrl);
    url.searchParams.set('query', `{ __typename } # ${marker}`);
    url.searchParams.set('variables', JSON.stringify({ x: marker }));
    const page = await send(url.href, {
      headers: { accept: 'text/html', 'x-request-id': marker, referer: marker },
    });
    const plain = await send(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toBe(plain.text);
    expect(page.text).not.toContain('onerror');
  });
});
