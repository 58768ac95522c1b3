/** `GET /openapi.json` describes every sandbox endpoint and is valid OpenAPI 3.1. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_FAULTS, startSandbox, type RunningSandbox } from './sandbox-api';

interface Schema {
  properties?: Record<string, unknown>;
}

const run = promisify(execFile);
/** The validator is ESM-only: it runs as its own CLI, in its own process. */
const VALIDATOR = join(
  __dirname,
  '../../node_modules/@seriousme/openapi-schema-validator/bin/validate-api-cli.js',
);

async function validate(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  try {
    const { stdout } = await run(process.execPath, [VALIDATOR, file]);
    return JSON.parse(stdout) as { valid: boolean };
  } catch (error) {
    // exit 1 when invalid: the report is still on stdout.
    return JSON.parse((error as { stdout: string }).stdout) as { valid: boolean; errors: unknown };
  }
}

describe('the sandbox OpenAPI document', () => {
  let sandbox: RunningSandbox;
  let document: {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, Schema> };
  };
  beforeAll(async () => {
    sandbox = await startSandbox();
    const response = await fetch(`${sandbox.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as typeof document;
  });
  afterAll(() => sandbox.close());

  it('is valid OpenAPI 3.1 by @seriousme/openapi-schema-validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await validate(document)).toEqual({ valid: true });
  });

  it('the validator refuses a document that breaks the spec, so the check above can fail', async () => {
    const broken = { ...document, paths: { '/x': { get: { responses: { ok: 'no' } } } } };
    expect((await validate(broken)).valid).toBe(false);
  });

  it('describes every endpoint the sandbox serves, with the method it serves', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /v2/promotion/bulk/enrolAndEarn',
        'POST /v2/promotion/bulk/revokeEnrolAndEarn',
        'POST /v3/oauth/token/generate',
        'GET /v2/customers/lookup/promotionData',
        'GET /api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get',
        'GET /openapi.json',
        'GET /__sandbox/ledger',
        'GET /__sandbox/calls',
        'GET /__sandbox/reads',
        'POST /__sandbox/reset',
        'GET /__sandbox/faults',
        'PUT /__sandbox/faults',
      ]),
    );
  });

  it('lists the documented query parameters of the customer lookup', () => {
    const lookup = document.paths['/v2/customers/lookup/promotionData']?.get as {
      parameters: { name: string; required: boolean }[];
    };
    expect(lookup.parameters.map((p) => p.name).sort()).toEqual(
      [
        'identifierName',
        'identifierValue',
        'source',
        'promotionStatusForCustomer',
        'limit',
        'offset',
        'promotionType',
        'programs',
        'fetchAllUsage',
        'sourceType',
      ].sort(),
    );
    expect(lookup.parameters.filter((p) => p.required).map((p) => p.name)).toEqual([
      'identifierName',
      'identifierValue',
      'source',
    ]);
  });

  it('describes every status the bulk endpoints answer, faults and refusals included', () => {
    for (const path of [
      '/v2/promotion/bulk/enrolAndEarn',
      '/v2/promotion/bulk/revokeEnrolAndEarn',
    ]) {
      const post = document.paths[path]?.post as { responses: Record<string, unknown> };
      expect(Object.keys(post.responses).sort()).toEqual(
        ['200', '201', '400', '401', '403', '413', '415', '429', '500', '503'].sort(),
      );
    }
  });

  it('names every fault knob PUT /__sandbox/faults takes, and takes ids as the vendor examples send them', () => {
    const { schemas } = document.components;
    expect(Object.keys(schemas['Faults']?.properties ?? {}).sort()).toEqual(
      Object.keys(DEFAULT_FAULTS).sort(),
    );
    expect(schemas['PromotionDetails']?.properties?.['promotionId']).toEqual({
      oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^\\d{1,15}$' }],
    });
  });
});
