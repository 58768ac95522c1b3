/** The sandbox stands for the vendor: sharing the gateway's code would let a shared mistake pass. */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { sourcesUnder, specifiersOf } from '../support/sources';

const SANDBOX = resolve(__dirname, '../../src/sandbox');

/** A path that leaves src/sandbox, or null for one inside it, a node builtin or a package. */
function escapeOf(file: string, specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = resolve(dirname(file), specifier);
    return target === SANDBOX || target.startsWith(SANDBOX + sep) ? null : target;
  }
  const name = specifier.replace(/^node:/, '');
  if (builtinModules.includes(name) || specifier.startsWith('node:')) return null;
  // tsconfig path aliases would reach the gateway without a '../'.
  return /^(src|@\/|~\/)/.test(specifier) ? specifier : null;
}

describe('the sandbox imports nothing from the gateway', () => {
  const files = sourcesUnder(SANDBOX);

  it('finds the sandbox sources and their imports', () => {
    expect(files.length).toBeGreaterThan(10);
    const all = files.flatMap((file) => specifiersOf(readFileSync(file, 'utf8')));
    expect(all).toEqual(expect.arrayContaining(['./faults', 'node:http', './demo-data.json']));
  });

  it('has no import that leaves src/sandbox (packages and node builtins aside)', () => {
    const escapes = files.flatMap((file) =>
      specifiersOf(readFileSync(file, 'utf8'))
        .filter((specifier) => escapeOf(file, specifier) !== null)
        .map((specifier) => `${relative(SANDBOX, file)} imports ${specifier}`),
    );
    expect(escapes).toEqual([]);
  });

  it('would catch the imports it exists for', () => {
    const engine = join(SANDBOX, 'promotion-engine.ts');
    const caught = specifiersOf(
      "import { UpstreamCode } from '../domain/upstream-codes';\n" +
        "import type { Config } from '../config';\nconst x = require('../logger');",
    ).filter((specifier) => escapeOf(engine, specifier) !== null);
    expect(caught).toEqual(['../domain/upstream-codes', '../config', '../logger']);
  });
});
