/**
 * Who may add a document to the shared APQ cache (DESIGN.md §9): only a caller the API has
 * accepted. The cache is bounded for everyone together (REDIS_MAX_DOCUMENTS in Redis), so
 * made-up credentials registering thousands of documents pushed every tenant's out, and
 * each of its clients back to sending full text. Another caller's registration still runs,
 * from its text; only the keeping is refused. A registration whose hash or version is wrong
 * is left to Apollo, which refuses it as before.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';
import { callerIdOf } from '../domain/caller';
import type { AcceptedCallers } from '../domain/accepted-callers';

interface PersistedQueryExtension {
  persistedQuery?: { version?: unknown; sha256Hash?: unknown };
}

export function registrationByAcceptedCallersPlugin(
  accepted: Pick<AcceptedCallers, 'has'>,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      const extensions = request.extensions as PersistedQueryExtension | undefined;
      const persisted = extensions?.persistedQuery;
      // A hash alone is a lookup, which anyone may make; only a registration carries the text.
      if (persisted === undefined || typeof request.query !== 'string') return;
      if (accepted.has(callerIdOf(contextValue.credentials))) return;
      const wellFormed =
        persisted.version === 1 &&
        persisted.sha256Hash === createHash('sha256').update(request.query).digest('hex');
      if (wellFormed) delete extensions?.persistedQuery;
    },
  };
}
