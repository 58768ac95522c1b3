/**
 * Issue 11, finding 12: `npm ci` on the machine's Node 20 printed 14 EBADENGINE warnings.
 * package.json pins some transitive packages (`overrides`) to their last releases that
 * support Node 20; these tests keep that true, and keep the pins within the ranges their
 * dependents declare.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  link?: boolean;
}

const ROOT = path.resolve(__dirname, '../../..');
const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The package `name` that one at `from` gets, found as node does: up the node_modules. */
function resolved(from: string, name: string): LockedPackage | undefined {
  let dir = from;
  for (;;) {
    const found = lock.packages[`${dir === '' ? '' : `${dir}/`}node_modules/${name}`];
    if (found !== undefined) return found;
    if (dir === '') return undefined;
    const parent = dir.lastIndexOf('/node_modules/');
    dir = parent === -1 ? '' : dir.slice(0, parent);
  }
}

describe('installed packages and the Node the project runs on', () => {
  it(`runs on a Node its own engines allow (${packageJson.engines.node})`, () => {
    expect(semver.satisfies(process.version, packageJson.engines.node)).toBe(true);
  });

  it('installs no package whose engines exclude this Node (npm EBADENGINE)', () => {
    const excluded = Object.entries(lock.packages)
      .filter(([location]) => location !== '')
      .flatMap(([location, locked]) => {
        const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
        return range === undefined || semver.satisfies(process.version, range)
          ? []
          : [`${location}@${locked.version} wants node ${range}`];
      });
    expect(excluded).toEqual([]);
  });

  it('gives every package a version of each dependency within the range it declares', () => {
    const outOfRange = Object.entries(lock.packages).flatMap(([location, locked]) => {
      if (locked.link === true) return [];
      const declared = { ...locked.dependencies, ...locked.optionalDependencies };
      return Object.entries(declared).flatMap(([name, range]) => {
        const target = resolved(location, name);
        if (target?.version === undefined || semver.validRange(range) === null) return [];
        return semver.satisfies(target.version, range, { includePrerelease: true })
          ? []
          : [`${location || 'the project'} wants ${name}@${range}, gets ${target.version}`];
      });
    });
    expect(outOfRange).toEqual([]);
  });
});
