/**
 * GET /graphql for a browser (Accept: text/html), outside production: GraphiQL served
 * from this process's own files (the graphiql package's UMD bundle, React 18's UMD
 * builds), so the page works offline and loads nothing from anywhere else.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parse, print } from 'graphql';
import { GRAPHQL_PATH } from './guards';

export const GRAPHIQL_ASSETS_PATH = '/graphiql';

/** The README's first mutation, ready in the editor (test/e2e/graphiql-page.test.ts keeps them equal). */
export const FIRST_MUTATION = {
  query:
    'mutation Enrol($input: EnrolCustomersInput!) { enrolCustomers(input: $input) { __typename ... on EnrolCustomersResult { replayed successCount results { identifierValue outcome { __typename ... on Enrolment { issualId } ... on MutationError { message retryable } } } } ... on MutationError { message retryable } } }',
  variables: {
    input: {
      idempotencyKey: 'readme-first-enrolment',
      promotion: { programId: 469, promotionId: 57099 },
      identifierName: 'ID',
      customers: [{ identifierValue: '555567088', source: 'INSTORE' }],
    },
  },
};

export interface GraphiQLPageOptions {
  /** Filled into the headers tab: the sandbox's demo credentials, when it is the upstream. */
  authorization: string | null;
}

/** Files of installed packages (their `exports` hide them from require.resolve). */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
  'react.production.min.js': {
    pkg: 'react',
    file: 'umd/react.production.min.js',
    type: 'text/javascript',
  },
  'react-dom.production.min.js': {
    pkg: 'react-dom',
    file: 'umd/react-dom.production.min.js',
    type: 'text/javascript',
  },
};

function packageFile(pkg: string, file: string): Buffer {
  return readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file));
}

/** Starts GraphiQL with the settings the page carries as JSON (no inline script: CSP). */
const START_SCRIPT = `
const settings = JSON.parse(document.getElementById('graphiql-settings').textContent);
const fetcher = GraphiQL.createFetcher({ url: settings.url });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: settings.query,
    query: settings.query,
    variables: settings.variables,
    headers: settings.headers,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: settings.headers ? 'headers' : true,
  }),
);
`;

/** The page only ever loads from this origin; the JSON settings block is data, not script. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** default-src does not cover framing: the page holds a ready header, so no site may frame it (clickjacking). */
const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function escapeForScript(json: string): string {
  return json.replace(/</g, '\\u003c');
}

function pageOf(options: GraphiQLPageOptions): string {
  const settings = {
    url: GRAPHQL_PATH,
    query: print(parse(FIRST_MUTATION.query)),
    variables: JSON.stringify(FIRST_MUTATION.variables, null, 2),
    headers:
      options.authorization === null
        ? ''
        : JSON.stringify({ Authorization: options.authorization }, null, 2),
  };
  const asset = (name: string) => `${GRAPHIQL_ASSETS_PATH}/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>promotion-gateway · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('graphiql.min.css')}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script type="application/json" id="graphiql-settings">${escapeForScript(JSON.stringify(settings))}</script>
<script src="${asset('react.production.min.js')}"></script>
<script src="${asset('react-dom.production.min.js')}"></script>
<script src="${asset('graphiql.min.js')}"></script>
<script src="${asset('start.js')}"></script>
</body>
</html>
`;
}

function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

/**
 * A GET of /graphql that asks for HTML gets the page; any other request there is
 * GraphQL's, as before. Call only outside production.
 */
export function registerGraphiQLPage(app: FastifyInstance, options: GraphiQLPageOptions): void {
  const page = pageOf(options);
  const files = new Map<string, { body: Buffer; type: string }>(
    Object.entries(ASSETS).map(([name, { pkg, file, type }]) => [
      name,
      { body: packageFile(pkg, file), type },
    ]),
  );
  files.set('start.js', { body: Buffer.from(START_SCRIPT), type: 'text/javascript' });

  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.routeOptions.url !== GRAPHQL_PATH) return;
    if (!wantsHtml(request.headers.accept)) return;
    return reply.code(200).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page);
  });
  app.get<{ Params: { file: string } }>(`${GRAPHIQL_ASSETS_PATH}/:file`, async (request, reply) => {
    const file = files.get(request.params.file);
    if (file === undefined) return reply.code(404).send({ error: 'not found' });
    return reply
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .type(`${file.type}; charset=utf-8`)
      .send(file.body);
  });
}
