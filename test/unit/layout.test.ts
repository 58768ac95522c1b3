/** The house rules of issue 12, checked so that the next feature cannot quietly undo them. */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { sourcesUnder, specifiersOf } from '../support/sources';

const SRC = resolve(__dirname, '../../src');
const sources = sourcesUnder(SRC).filter((file) => !file.includes(`${sep}generated${sep}`));
const textOf = (file: string) => readFileSync(file, 'utf8');
const named = (file: string) => relative(SRC, file).split(sep).join('/');

/** Files over the bound, each with the one role that needs the room. */
const LONG_FILES: Record<string, string> = {
  'datasources/enrol-and-earn.batcher.ts':
    'one role: the batch queue per key, the per-customer hold and the per-caller bound are one invariant',
  'sandbox/openapi.ts': 'one document: the OpenAPI 3.1 description of every sandbox endpoint',
};
const MAX_LINES = 300;

describe('the layout of src/', () => {
  it('has only the entry, config, composition root and context at its top level', () => {
    const files = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
    expect(files).toEqual(['config.ts', 'context.ts', 'main.ts', 'server.ts']);
  });

  it(`has no file over ${MAX_LINES} lines but those whose one role needs it`, () => {
    const long = sources
      .filter((file) => textOf(file).split('\n').length > MAX_LINES)
      .map(named)
      .filter((name) => LONG_FILES[name] === undefined);
    expect(long).toEqual([]);
  });

  it("says no 'as unknown as' anywhere", () => {
    expect(sources.filter((file) => textOf(file).includes('as unknown as')).map(named)).toEqual([]);
  });

  it('keeps schema/ free of imports from resolvers/', () => {
    const resolvers = join(SRC, 'resolvers');
    const offending = sources
      .filter((file) => file.startsWith(join(SRC, 'schema') + sep))
      .filter((file) =>
        specifiersOf(textOf(file)).some(
          (specifier) =>
            specifier.startsWith('.') && resolve(dirname(file), specifier).startsWith(resolvers),
        ),
      );
    expect(offending.map(named)).toEqual([]);
  });

  it('would catch what it exists for: the reader finds imports and long files', () => {
    expect(specifiersOf("import { a } from '../resolvers/x';")).toEqual(['../resolvers/x']);
    expect(sources.length).toBeGreaterThan(50);
    expect(Object.keys(LONG_FILES).every((name) => sources.map(named).includes(name))).toBe(true);
  });
});
