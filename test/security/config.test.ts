import { ConfigError, loadConfig } from '../../src/config';

const API_URL = 'https://api.example.com';

// Their defaults are checked with all the others in test/unit/config.test.ts.
describe('security settings from the environment', () => {
  it('turns introspection off in production unless GRAPHQL_INTROSPECTION=true', () => {
    expect(loadConfig({ NODE_ENV: 'production', PROMOTION_API_URL: API_URL }).introspection).toBe(
      false,
    );
    expect(
      loadConfig({
        NODE_ENV: 'production',
        PROMOTION_API_URL: API_URL,
        GRAPHQL_INTROSPECTION: 'true',
      }).introspection,
    ).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).introspection).toBe(false);
  });

  it('reads the limits and the CORS origins', () => {
    expect(
      loadConfig({
        MAX_QUERY_DEPTH: '12',
        MAX_ALIASES: '0',
        MAX_ROOT_FIELDS: '2',
        MAX_TOKENS: '5000',
        MAX_BATCH_OPERATIONS: '1',
        MAX_BODY_BYTES: '65536',
        CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/,HTTPS://Admin.Example.com',
      }),
    ).toMatchObject({
      maxQueryDepth: 12,
      maxAliases: 0,
      maxRootFields: 2,
      maxTokens: 5000,
      maxBatchOperations: 1,
      maxBodyBytes: 65536,
      corsOrigins: [
        'https://app.example.com',
        'http://localhost:5173',
        'https://admin.example.com',
      ],
    });
  });

  it.each([
    ['MAX_QUERY_DEPTH', 'deep'],
    ['MAX_QUERY_DEPTH', '0'],
    ['MAX_ALIASES', '-1'],
    ['MAX_ROOT_FIELDS', '1.5'],
    ['MAX_TOKENS', '5'],
    ['MAX_BATCH_OPERATIONS', '0'],
    ['MAX_BODY_BYTES', '1kb'],
    ['CORS_ORIGINS', '*'],
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'ftp://files.example.com'],
    ['GRAPHQL_INTROSPECTION', 'yes'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable} `));
  });
});
