import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm start` runs the gateway with package.json's `config.nodeFlags` (GC settings chosen
 * in BENCHMARKS.md), and `npm run bench` measures with the same ones. Node refuses to
 * start on a flag it does not know, so a typo here would stop `npm start`.
 */
const manifest = JSON.parse(
  readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'),
) as { config: { nodeFlags: string }; scripts: { start: string } };
const flags = manifest.config.nodeFlags.split(/\s+/).filter(Boolean);

describe('the node flags npm start runs the gateway with', () => {
  it('are the GC settings BENCHMARKS.md chose', () => {
    expect(flags).toEqual(['--max-semi-space-size=32', '--heap-growing-percent=50']);
  });

  it('are passed by the start script', () => {
    expect(manifest.scripts.start).toContain('node $npm_package_config_nodeFlags dist/src/main.js');
  });

  it('are accepted by this node', () => {
    const run = spawnSync(process.execPath, [...flags, '-e', 'console.log("started")'], {
      encoding: 'utf8',
    });
    expect(run.stderr).not.toMatch(/bad option/);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('started');
  });

  it('would be refused if misspelt (the check above can fail)', () => {
    const run = spawnSync(process.execPath, ['--heap-growing-percnt=50', '-e', '0'], {
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/bad option/);
  });
});
