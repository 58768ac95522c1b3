/**
 * The README's getting-started part, followed by a new user: every command in it is run
 * here against `src/main.ts` (gateway and embedded sandbox on free ports; the README's
 * default URLs are swapped for the ones the banner prints), and every answer it shows
 * must come back as shown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The README's URLs: the defaults of PORT and SANDBOX_PORT. */
const README_GATEWAY = 'http://127.0.0.1:4000';
const README_SANDBOX = 'http://127.0.0.1:4010';

interface CurlRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The URL, headers (single- or double-quoted) and -d body of a curl command. */
function parseCurl(text: string): CurlRequest {
  const command = text.replace(/\\\n\s*/g, ' ');
  const url = /curl -s (?:-X POST )?(\S+)/.exec(command)?.[1];
  const headers = Object.fromEntries(
    [...command.matchAll(/-H (['"])([^:]+): (.+?)\1/g)].map((m) => [m[2]!.toLowerCase(), m[3]!]),
  );
  const body = /-d '([^']+)'/.exec(command)?.[1];
  if (!url || !body) throw new Error(`curl example lacks a URL or a body: ${text}`);
  return { url, headers, body };
}

interface Block {
  lang: string;
  text: string;
}

const FRONTEND_HEADING = "\n## The frontend's view";
const UNDO_HEADING = '\n## Undoing a mistaken earn and enrolment';
/** The README from its top to the frontend's view: what a new user reads first. */
const gettingStarted = readme.slice(0, readme.indexOf(FRONTEND_HEADING));
/** The read side's example, after the mutations of getting started. */
const frontendView = readme.slice(readme.indexOf(FRONTEND_HEADING), readme.indexOf(UNDO_HEADING));
/** How to undo, after the read: its commands run on what getting started did. */
const undoPart = readme.slice(readme.indexOf(UNDO_HEADING), readme.indexOf('\n## Reference'));

function blocksOf(text: string): Block[] {
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}
const frontendBlocks = blocksOf(frontendView).map((block) => block.text);

/** The shell blocks that send a request, each with the JSON block right after it, if any. */
function requestsOf(blocks: readonly Block[]) {
  return blocks.flatMap((block, index) => {
    if (block.lang !== 'sh' || !/^(TOKEN=\$\()?curl /.test(block.text)) return [];
    const next = blocks[index + 1];
    return [{ command: block.text, answer: next?.lang === 'json' ? next.text : null }];
  });
}

const blocks = blocksOf(gettingStarted);
const requests = requestsOf(blocks);
const undoBlocks = blocksOf(undoPart);
const undoRequests = requestsOf(undoBlocks);

describe("the README's getting started, followed by a new user", () => {
  let child: ChildProcess;
  let output = '';
  let gateway: string;
  let sandbox: string;
  let token = '';

  /** A README request sent to the gateway and sandbox this test started. */
  async function send(command: string, vars: Record<string, string> = {}): Promise<Response> {
    const request = parseCurl(command);
    const url = request.url.replace(README_GATEWAY, gateway).replace(README_SANDBOX, sandbox);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        value.replace(/\$(\w+)/g, (whole, name: string) => vars[name] ?? whole),
      ]),
    );
    return fetch(url, { method: 'POST', headers, body: request.body });
  }

  beforeAll(async () => {
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PORT: '0',
        METRICS_PORT: '0',
        SANDBOX_PORT: '0',
        LOG_LEVEL: 'warn',
        PROMOTION_API_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    // The banner's last line is the curl example's body.
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        output += `${line}\n`;
        if (/^\s*-d '/.test(line)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    const gatewayUrl = /serving GraphQL at (http:\/\/\S+)\/graphql/.exec(output)?.[1];
    const sandboxUrl = /upstream: the embedded sandbox at (http:\/\/\S+)/.exec(output)?.[1];
    if (!gatewayUrl || !sandboxUrl) throw new Error(`the banner lacks a URL:\n${output}`);
    gateway = gatewayUrl;
    sandbox = sandboxUrl;
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('is under 120 lines, and holds no command this test does not run', () => {
    expect(gettingStarted.split('\n').length).toBeLessThan(120);
    const shellBlocks = blocks.filter((block) => block.lang === 'sh');
    const runHere = requests.map((request) => request.command);
    const others = shellBlocks.filter((block) => !runHere.includes(block.text));
    // The one other block: the two commands, checked against package.json below.
    expect(others.map((block) => block.text.replace(/\s+#.*$/gm, ''))).toEqual([
      'npm ci && npm start\nnpm test\n',
    ]);
    expect(requests).toHaveLength(3);
    for (const { command } of requests) {
      expect(parseCurl(command).url).toMatch(/^http:\/\/127\.0\.0\.1:(4000|4010)\//);
    }
  });

  it('documents the two commands package.json has: start builds and serves main, test runs jest', () => {
    expect(packageJson.scripts.start).toMatch(/^npm run build .*&& node .*dist\/src\/main\.js$/);
    expect(packageJson.scripts.test).toBe('jest');
  });

  it('starts the gateway and the embedded sandbox, and prints both URLs and a curl example', () => {
    expect(output).toContain('Authorization: Basic ');
    expect(output).toMatch(/curl -s http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(sandbox).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers the first mutation, with variables and an idempotencyKey, with the Enrolment shown', async () => {
    const [first] = requests;
    expect(JSON.parse(parseCurl(first!.command).body)).toMatchObject({
      variables: { input: { idempotencyKey: expect.any(String) } },
    });
    const response = await send(first!.command);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(first!.answer!));
  });

  it('answers the same command again with the same answer and replayed: true', async () => {
    const [first] = requests;
    const shown = JSON.parse(first!.answer!) as {
      data: { enrolCustomers: Record<string, unknown> };
    };
    const response = await send(first!.command);
    expect(await response.json()).toEqual({
      data: { enrolCustomers: { ...shown.data.enrolCustomers, replayed: true } },
    });
  });

  it("gets an OAuth token from the sandbox's port, extracted as the README's sed does", async () => {
    const command = requests[1]!.command;
    const extraction = /\| sed -E 's\/(.+)\/\\1\/'\)\s*$/.exec(command)?.[1];
    expect(extraction).toBeDefined();
    const response = await send(command.replace(/^TOKEN=\$\(/, ''));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      data: { accessToken: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/), ttlSeconds: 300 },
      errors: null,
    });
    token = text.replace(new RegExp(extraction!), '$1');
    expect(token).toBe((JSON.parse(text) as { data: { accessToken: string } }).data.accessToken);
  });

  it('earns with that token as X-CAP-API-OAUTH-TOKEN, answering the Earning shown', async () => {
    const { command, answer } = requests[2]!;
    expect(parseCurl(command).headers['x-cap-api-oauth-token']).toBe('$TOKEN');
    const response = await send(command, { TOKEN: token });
    expect(await response.json()).toEqual(JSON.parse(answer!));
  });

  it('refuses the same request with a token the sandbox did not issue', async () => {
    const response = await send(requests[2]!.command, { TOKEN: `${token.slice(0, -4)}AAAA` });
    const body = (await response.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it("answers the frontend's view: the customer's promotions with the enrolment and earning made above", async () => {
    expect(frontendBlocks).toHaveLength(2);
    const [command, answer] = frontendBlocks;
    expect(JSON.parse(parseCurl(command!).body)).toMatchObject({ variables: { input: {} } });
    const response = await send(command!);
    expect(response.status).toBe(200);
    const expected = JSON.parse(answer!) as {
      data: { customerPromotions: { pageInfo: { endCursor: unknown } } };
    };
    // Cursors are signed with this process's own key (no CURSOR_SECRET): one differs per start.
    expected.data.customerPromotions.pageInfo.endCursor = expect.stringMatching(/^[\w-]{40,200}$/);
    expect(await response.json()).toEqual(expected);
  });

  it('undoes, in the order the README gives, the earn and the enrolment made above, answering the ids shown', async () => {
    // Every command of the undo section is one of these two, each with its answer.
    expect(undoBlocks.filter((b) => b.lang === 'sh').map((b) => b.text)).toEqual(
      undoRequests.map((r) => r.command),
    );
    expect(undoRequests).toHaveLength(2);
    const [earn, enrolment] = undoRequests as [(typeof undoRequests)[0], (typeof undoRequests)[0]];
    // The wrong order first, under a key of its own: the enrolment still has its earn.
    const tooEarly = await send(
      enrolment.command.replace('readme-undo-enrolment', 'readme-undo-too-early'),
    );
    expect(await tooEarly.json()).toEqual({
      data: {
        revokeEnrolments: {
          __typename: 'RevokeEnrolmentsResult',
          successCount: 0,
          results: [
            {
              outcome: {
                __typename: 'IssueFailedError',
                message: 'revoke the earns first',
                retryable: false,
              },
            },
          ],
        },
      },
    });

    for (const { command, answer } of [earn, enrolment]) {
      const response = await send(command);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(JSON.parse(answer!));
    }
  });

  it("answers the banner's curl example, as printed", async () => {
    const printed = parseCurl(output.slice(output.indexOf('curl -s')));
    const response = await fetch(printed.url, {
      method: 'POST',
      headers: printed.headers,
      body: printed.body,
    });
    const body = (await response.json()) as { data: { enrolCustomers: { __typename: string } } };
    expect(body.data.enrolCustomers.__typename).toBe('EnrolCustomersResult');
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
