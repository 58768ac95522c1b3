import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `npm start` must run the gateway with package.json's `config.nodeFlags` (the GC
 * settings BENCHMARKS.md chose). The gateway's own command of the start script is run
 * by npm itself, with a preload that reports what the process got and exits before
 * the gateway starts: the test fails if the script stops passing the flags.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = 'dist/src/main.js';
const MiB = 1024 * 1024;

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  scripts: { start: string };
};

/** The start script's last step, the one that launches the gateway (the build runs first). */
const launch = manifest.scripts.start.split('&&').at(-1)?.trim() ?? '';

interface Started {
  execArgv: string[];
  heapSizeLimit: number;
}

/** Prints what this node process was started with; runs before the main module loads. */
const PROBE = `
const v8 = require('node:v8');
const main = process.argv[1] ?? '';
if (main.replace(/\\\\/g, '/').endsWith(${JSON.stringify(ENTRY)})) {
  process.stdout.write(JSON.stringify({
    execArgv: process.execArgv,
    heapSizeLimit: v8.getHeapStatistics().heap_size_limit,
  }));
  process.exit(0);
}
`;

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as Started;
}

describe('the node flags npm start runs the gateway with', () => {
  let dir: string;
  let probe: string;
  let started: Started;
  let plain: Started;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'node-flags-'));
    probe = path.join(dir, 'probe.js');
    writeFileSync(probe, PROBE);
    // Nothing inherited (e.g. from `npm test`): npm alone must supply the flags.
    const inherited = Object.keys(process.env).filter((k) => k.startsWith('npm_package_config_'));
    env = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
    for (const key of inherited) delete env[key];
    // npm runs the script's command with its own environment (npm_package_config_*).
    started = run('npm', ['exec', '--offline', '--call', launch], env);
    plain = run(process.execPath, [path.join(REPO_ROOT, ENTRY)], env);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a start script that launches the gateway with node', () => {
    expect(launch).toMatch(new RegExp(`^node .*${ENTRY.replace(/\./g, '\\.')}$`));
  });

  it('are the GC settings BENCHMARKS.md chose, as the gateway process receives them', () => {
    expect(started.execArgv).toEqual(['--max-semi-space-size=16', '--heap-growing-percent=50']);
  });

  it('take effect: the young generation is the 16 MiB semi-spaces chosen, not the 32 MiB that cost peak RSS', () => {
    expect(plain.execArgv).toEqual([]);
    const larger = run(
      process.execPath,
      ['--max-semi-space-size=32', path.join(REPO_ROOT, ENTRY)],
      env,
    );
    // Node 20's own default is 16 MiB too: the flag pins it against a node that grows it.
    expect(started.heapSizeLimit).toBe(plain.heapSizeLimit);
    // The young generation's three semi-spaces: 32 MiB ones add 48 MiB.
    expect(larger.heapSizeLimit - started.heapSizeLimit).toBeGreaterThanOrEqual(32 * MiB);
  });

  it('would be refused if misspelt (node does not ignore an unknown flag)', () => {
    const misspelt = spawnSync(process.execPath, ['--heap-growing-percnt=50', '-e', '0'], {
      encoding: 'utf8',
    });
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.stderr).toMatch(/bad option/);
  });
});
