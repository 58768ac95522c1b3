/**
 * Trusted documents (TRUSTED_DOCUMENTS): a manifest of hash -> document, as GraphQL Code
 * Generator's client preset writes it (`persistedDocuments`, sha256). With one, only its
 * documents run, sent by hash (Apollo's persisted-query extension) or as identical text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, parse } from 'graphql';
import { ErrorCode } from './errors';

export interface TrustedDocuments {
  /** The manifest's file, for messages. */
  path: string;
  byHash: ReadonlyMap<string, string>;
  /** The same documents by their text, for clients that send text rather than hashes. */
  byText: ReadonlySet<string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Reads and checks a manifest; throws an Error saying what is wrong with it. */
export function readTrustedDocuments(path: string): TrustedDocuments {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`names a file that cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    throw new Error(`must name a JSON file, got "${path}" that is not JSON`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new Error('must name a JSON object of sha256 hash -> document');
  }
  const byHash = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (!SHA256_HEX.test(hash) || typeof document !== 'string') {
      throw new Error(`must map sha256 hashes to documents, got the entry "${hash.slice(0, 80)}"`);
    }
    if (createHash('sha256').update(document).digest('hex') !== hash) {
      throw new Error(`has an entry whose document does not hash to its key ${hash}`);
    }
    try {
      parse(document, { noLocation: true });
    } catch {
      throw new Error(`has an entry that is not a GraphQL document: ${hash}`);
    }
    byHash.set(hash, document);
  }
  if (byHash.size === 0) throw new Error('names a manifest without documents');
  return { path, byHash, byText: new Set(byHash.values()) };
}

/**
 * Stands in for a refused operation, so that nothing the client sent is parsed or
 * validated (no schema hint leaks to it); didResolveOperation then answers the error.
 */
const REFUSED_PLACEHOLDER = 'query TrustedDocumentRequired { __typename }';

interface PersistedQueryExtension {
  persistedQuery?: { sha256Hash?: unknown };
}

/**
 * Runs each operation of a request (batched ones each on their own) only when it is a
 * trusted document; the rest get a GraphQL error, as Apollo Router words it, and never
 * reach a resolver.
 */
export function trustedDocumentsPlugin<TContext extends object>(
  trusted: TrustedDocuments,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart(requestContext) {
      const { request } = requestContext;
      const extensions = request.extensions as PersistedQueryExtension | undefined;
      const hash = extensions?.persistedQuery?.sha256Hash;
      // The document is ours from here on: Apollo's APQ must neither look it up nor store it.
      if (extensions?.persistedQuery !== undefined) delete extensions.persistedQuery;
      let refusal: GraphQLError | null = null;
      if (typeof hash === 'string' && request.query === undefined) {
        const document = trusted.byHash.get(hash);
        if (document === undefined) {
          refusal = new GraphQLError(
            'This gateway runs only its trusted documents; that hash is not one of them.',
            {
              extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, http: { status: 400 } },
            },
          );
        } else {
          request.query = document;
        }
      } else if (typeof request.query !== 'string' || !trusted.byText.has(request.query)) {
        refusal = new GraphQLError(
          'This gateway runs only its trusted documents: send one by its sha256 hash (extensions.persistedQuery.sha256Hash).',
          {
            extensions: { code: ErrorCode.QUERY_NOT_IN_SAFELIST, http: { status: 400 } },
          },
        );
      }
      if (refusal === null) return {};
      request.query = REFUSED_PLACEHOLDER;
      request.operationName = 'TrustedDocumentRequired';
      const error = refusal;
      return {
        async didResolveOperation() {
          throw error;
        },
      };
    },
  };
}
