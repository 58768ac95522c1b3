/**
 * The GraphiQL page in a real browser (Debian's chromium through playwright-core): it
 * opens offline with the README's first mutation and the demo header, runs it, and
 * loads nothing from any host but the gateway. A screenshot goes to test/artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { FIRST_MUTATION } from '../../src/http/graphiql-page';
import { DEMO_CREDENTIALS, startSandbox, type RunningSandbox } from '../../src/sandbox';
import { startGateway, type Gateway } from '../../src/server';

const root = join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function startWithPage(env: Record<string, string>): Promise<{
  sandbox: RunningSandbox;
  gateway: Gateway;
}> {
  const sandbox = await startSandbox({ port: 0 });
  const config = loadConfig({
    PORT: '0',
    METRICS_PORT: '0',
    PROMOTION_API_URL: sandbox.url,
    ...env,
  });
  try {
    const gateway = await startGateway(config, {
      apiUrl: sandbox.url,
      logger: pino({ level: 'silent' }),
      graphiqlAuthorization: DEMO_CREDENTIALS.authorizationHeader,
    });
    return { sandbox, gateway };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

describe('the GraphiQL page', () => {
  let sandbox: RunningSandbox;
  let gateway: Gateway;
  let browser: Browser;

  beforeAll(async () => {
    ({ sandbox, gateway } = await startWithPage({}));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await sandbox?.close();
  });

  it('runs the pre-filled mutation and shows the Enrolment, loading nothing from elsewhere', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const origins = new Set<string>();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));

    await page.goto(gateway.graphqlUrl, { waitUntil: 'load' });
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.result-window');
    await result.getByText('"Enrolment"').waitFor({ timeout: 30_000 });

    const shown = await result.innerText();
    expect(shown).toContain('"issualId"');
    expect(shown).toContain('"successCount": 1');
    expect(sandbox.ledger().map((entry) => String(entry.entityId))).toEqual(['555567088']);
    expect([...origins]).toEqual([new URL(gateway.graphqlUrl).origin]);
    expect(failed).toEqual([]);

    mkdirSync(join(root, 'test', 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(root, 'test', 'artifacts', 'graphiql.png') });
    await context.close();
  });

  it('fills in the demo Authorization header', async () => {
    const page = await browser.newPage();
    await page.goto(gateway.graphqlUrl, { waitUntil: 'load' });
    await page.getByText('Headers', { exact: true }).first().waitFor();
    const settings = JSON.parse(
      (await page.locator('#graphiql-settings').textContent()) ?? '{}',
    ) as { headers: string };
    expect(JSON.parse(settings.headers)).toEqual({
      Authorization: DEMO_CREDENTIALS.authorizationHeader,
    });
    await page.close();
  });
});

describe('GET /graphql for a browser', () => {
  it('holds the README’s first mutation, as the README shows it', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const body = /-d '(\{"query":"mutation Enrol[^']+)'/.exec(readme)?.[1];
    expect(JSON.parse(body!)).toEqual(FIRST_MUTATION);
  });

  it('answers GraphQL, not the page, to a request that does not ask for HTML', async () => {
    const { sandbox, gateway } = await startWithPage({});
    try {
      const response = await fetch(
        `${gateway.graphqlUrl}?query=%7BgatewayLimits%7BbatchWindowMs%7D%7D`,
        {
          // CSRF prevention stays on for GET: a request needs this header or a content-type.
          headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
        },
      );
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ data: { gatewayLimits: { batchWindowMs: 5 } } });
    } finally {
      await gateway.close();
      await sandbox.close();
    }
  });

  it('serves no page in production', async () => {
    const { sandbox, gateway } = await startWithPage({ NODE_ENV: 'production' });
    try {
      const page = await fetch(gateway.graphqlUrl, { headers: { accept: 'text/html' } });
      const asset = await fetch(new URL('/graphiql/graphiql.min.js', gateway.graphqlUrl));
      expect(page.headers.get('content-type')).not.toMatch(/text\/html/);
      expect(await page.text()).not.toContain('GraphiQL');
      expect(asset.status).toBe(404);
    } finally {
      await gateway.close();
      await sandbox.close();
    }
  });
});
