/**
 * Who may add a document to the shared APQ cache (DESIGN.md §9): only a caller the API has
 * accepted, and at most `MAX_REGISTRATIONS_PER_CALLER` distinct documents per TTL. The cache is
 * bounded for everyone together (REDIS_MAX_DOCUMENTS in Redis), so one caller registering
 * thousands of documents pushed every tenant's out, and each of its clients back to
 * sending full text. A registration refused keeping still runs, from its text. One whose
 * hash or version is wrong is left to Apollo, which refuses it as before.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context';
import { callerIdOf, fairnessAccountOf } from '../domain/caller';
import type { AcceptedCallers } from '../domain/accepted-callers';
import { PERSISTED_QUERY_TTL_SECONDS } from './persisted-query-cache';

/** An app has a few dozen operations; a caller past this many documents in one TTL is filling the cache. */
export const MAX_REGISTRATIONS_PER_CALLER = 100;

interface PersistedQueryExtension {
  persistedQuery?: { version?: unknown; sha256Hash?: unknown };
}

export function registrationByAcceptedCallersPlugin(
  accepted: Pick<AcceptedCallers, 'has'>,
): ApolloServerPlugin<GatewayContext> {
  // Fairness account (every spelling of the credentials counts as one) → the documents it
  // registered since its first one of this TTL, by the start of their hash: the same
  // document registered again (a fleet after a deploy) counts once.
  const registered = new LRUCache<string, Set<string>>({
    max: 1_000,
    ttl: PERSISTED_QUERY_TTL_SECONDS * 1000,
    noUpdateTTL: true,
  });
  return {
    async requestDidStart({ request, contextValue }) {
      const extensions = request.extensions as PersistedQueryExtension | undefined;
      const persisted = extensions?.persistedQuery;
      // A hash alone is a lookup, which anyone may make; only a registration carries the text.
      if (persisted === undefined || typeof request.query !== 'string') return;
      const hash = persisted.sha256Hash;
      const wellFormed =
        persisted.version === 1 &&
        typeof hash === 'string' &&
        hash === createHash('sha256').update(request.query).digest('hex');
      if (!wellFormed) return;
      const callerId = callerIdOf(contextValue.credentials);
      if (accepted.has(callerId)) {
        const account = fairnessAccountOf(contextValue.credentials);
        const documents = registered.get(account) ?? new Set<string>();
        const document = hash.slice(0, 16);
        if (documents.has(document)) return;
        if (documents.size < MAX_REGISTRATIONS_PER_CALLER) {
          documents.add(document);
          if (documents.size === 1) registered.set(account, documents);
          return;
        }
      }
      delete extensions?.persistedQuery;
    },
  };
}
