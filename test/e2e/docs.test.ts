/**
 * The documents hold together: every relative link between README, BENCHMARKS and the
 * docs/ pages points at a file that exists and, with an anchor, at a heading in it; every
 * docs/ page is reachable from the README; and the configuration reference names every
 * variable the gateway and the sandbox read (recorded as they read them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadConfig } from '../../src/config';
import { sandboxOptionsFromEnv } from '../../src/sandbox';

const root = join(__dirname, '..', '..');
const docsDir = join(root, 'docs');
const documents = [
  join(root, 'README.md'),
  join(root, 'BENCHMARKS.md'),
  join(root, 'src', 'sandbox', 'README.md'),
  join(root, 'bench', 'results', '2026-11-25-findings.md'),
  ...readdirSync(docsDir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(docsDir, name)),
];

/** Markdown without code blocks and code spans, where brackets are not links. */
function prose(markdown: string): string {
  return markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a document's headings make, a repeated heading getting -1, -2, … */
function anchorsOf(file: string): Set<string> {
  const markdown = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = slugOf(match[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The relative links of a document, as written. */
function relativeLinksOf(file: string): string[] {
  const links = [...prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)].map(
    (m) => m[1]!,
  );
  return links.filter((link) => !/^[a-z]+:/i.test(link));
}

describe('the documents', () => {
  it.each(documents.map((file) => [relative(root, file), file]))(
    '%s links only to files and headings that exist',
    (_name, file) => {
      const broken = relativeLinksOf(file).filter((link) => {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : join(dirname(file), decodeURI(path));
        if (!existsSync(target)) return true;
        return anchor !== undefined && !anchorsOf(target).has(anchor);
      });
      expect(broken).toEqual([]);
    },
  );

  it('links every docs/ page from the README', () => {
    const linked = new Set(
      relativeLinksOf(join(root, 'README.md')).map((link) => link.split('#')[0]),
    );
    const pages = readdirSync(docsDir)
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`);
    expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  });

  it('finds a broken anchor when there is one', () => {
    expect(anchorsOf(join(docsDir, 'configuration.md'))).toContain('the-gateway');
    expect(anchorsOf(join(docsDir, 'configuration.md'))).not.toContain('the-gateways');
    expect(slugOf('`idempotencyKey`: retry without doing anything twice')).toBe(
      'idempotencykey-retry-without-doing-anything-twice',
    );
  });

  it('names every variable the gateway and the sandbox read in a configuration table', () => {
    const configuration = readFileSync(join(docsDir, 'configuration.md'), 'utf8');
    const documented = new Set(
      [...configuration.matchAll(/^\| `([A-Z0-9_]+)`/gm)].map((m) => m[1]),
    );
    const read = new Set<string>();
    /** An environment that records every variable asked of it. */
    const recording = (values: Record<string, string>): NodeJS.ProcessEnv =>
      new Proxy(values, {
        get(target, name) {
          if (typeof name === 'string' && /^[A-Z][A-Z0-9_]+$/.test(name)) read.add(name);
          return typeof name === 'string' ? target[name] : undefined;
        },
      });
    loadConfig(recording({}));
    loadConfig(
      recording({
        NODE_ENV: 'production',
        PROMOTION_API_URL: 'http://127.0.0.1:1',
        REDIS_URL: 'redis://127.0.0.1:1',
      }),
    );
    sandboxOptionsFromEnv(recording({}));
    expect(read.size).toBeGreaterThan(30);
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});
