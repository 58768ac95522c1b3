// The peer's composition: the sandbox's own OpenAPI document, as a user would point Mesh at it.
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const sandboxUrl = process.env.SANDBOX_URL;
if (!sandboxUrl) throw new Error('SANDBOX_URL must be set');

export const composeConfig = defineConfig({
  subgraphs: [
    {
      sourceHandler: loadOpenAPISubgraph('promotion', {
        source: `${sandboxUrl}/openapi.json`,
        endpoint: sandboxUrl,
        // Forward the caller's credentials, as our gateway does.
        operationHeaders: { Authorization: '{context.headers.authorization}' },
      }),
    },
  ],
});
