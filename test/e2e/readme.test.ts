/**
 * The README's promises to a new user: `npm start` with no PROMOTION_API_URL serves on
 * the embedded sandbox and prints a working example, and the README's first mutation,
 * pasted as written, returns an Enrolment.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface CurlRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The URL, headers and -d body of a curl command as the README and the banner write it. */
function parseCurl(text: string): CurlRequest {
  const command = text.replace(/\\\n\s*/g, ' ');
  const url = /curl -s (\S+)/.exec(command)?.[1];
  const headers = Object.fromEntries(
    [...command.matchAll(/-H '([^:]+): ([^']+)'/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]),
  );
  const body = /-d '([^']+)'/.exec(command)?.[1];
  if (!url || !body) throw new Error(`curl example lacks a URL or a body: ${text}`);
  return { url, headers, body };
}

/** The first `curl` block of the README. */
function firstCurlOf(markdown: string): CurlRequest {
  const block = /```sh\n(curl [\s\S]*?)```/.exec(markdown)?.[1];
  if (!block) throw new Error('README has no curl example');
  return parseCurl(block);
}

describe('the README, followed by a new user', () => {
  let child: ChildProcess;
  let output = '';
  let graphqlUrl: string;

  beforeAll(async () => {
    child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', PROMOTION_API_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const lines = createInterface({ input: child.stdout! });
    graphqlUrl = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        output += `${line}\n`;
        const match = /serving GraphQL at (\S+)/.exec(line);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    if (!graphqlUrl) throw new Error(`npm start printed no URL:\n${output}`);
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('prints the GraphQL URL, the demo Authorization header and a curl example', async () => {
    // The banner is written right after the URL line; wait for its last part.
    const deadline = Date.now() + 10_000;
    while (!output.includes("-d '") && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(output).toContain('embedded sandbox');
    expect(output).toContain('Authorization: Basic ');
    expect(output).toMatch(/curl -s http:\/\/127\.0\.0\.1:\d+\/graphql/);
  });

  it('prints a curl example that works as printed', async () => {
    const printed = parseCurl(output.slice(output.indexOf('curl -s')));
    const response = await fetch(printed.url, {
      method: 'POST',
      headers: printed.headers,
      body: printed.body,
    });
    const body = (await response.json()) as { data: { enrolCustomers: { __typename: string } } };
    expect(body.data.enrolCustomers.__typename).toBe('EnrolCustomersResult');
  });

  it("answers the README's first mutation, pasted as written, with an Enrolment", async () => {
    const example = firstCurlOf(readme);
    expect(example.url).toBe('http://127.0.0.1:4000/graphql');
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: example.headers,
      body: example.body,
    });
    const body = (await response.json()) as {
      data: {
        enrolCustomers: { __typename: string; results: { outcome: { __typename: string } }[] };
      };
    };
    expect(body.data.enrolCustomers.__typename).toBe('EnrolCustomersResult');
    expect(body.data.enrolCustomers.results[0]?.outcome.__typename).toBe('Enrolment');
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
