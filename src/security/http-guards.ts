/**
 * The HTTP edge's defences, before Apollo sees a request: the batch limit, the bracket
 * nesting of documents, CORS for browser frontends, and error answers for what fastify
 * refuses itself (body too large, bad JSON) in the GraphQL response shape, without
 * internals. The body limit itself is fastify's `bodyLimit` (MAX_BODY_BYTES).
 */
import fastifyCors from '@fastify/cors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BoundedMemo } from '../bounded-memo';
import type { GatewayConfig } from '../config';
import { ErrorCode } from '../errors';
import { UNEXPECTED_ERROR_MESSAGE } from './error-policy';

export const GRAPHQL_PATH = '/graphql';

/** Headers a browser frontend may send: credentials, JSON, Apollo's CSRF header, its own id. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'x-cap-api-oauth-token',
  'content-type',
  'apollo-require-preflight',
  'x-request-id',
];

/** Default `600` s: how long a browser may reuse a preflight answer. */
const CORS_MAX_AGE_SECONDS = 600;

function sendGraphQLError(
  reply: FastifyReply,
  status: number,
  message: string,
  extensions: Record<string, unknown>,
): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, extensions }] });
}

/**
 * Deepest bracket nesting (`{`, `[`, `(`) of a GraphQL source outside strings and
 * comments. Stops counting once past `limit`.
 */
export function nestingOf(source: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (char === '"') {
      if (source.startsWith('"""', i)) {
        let end = source.indexOf('"""', i + 3);
        // `\"""` is an escaped triple quote inside a block string, not its end.
        while (end !== -1 && source[end - 1] === '\\') end = source.indexOf('"""', end + 3);
        i = end === -1 ? source.length : end + 2;
      } else {
        for (i++; i < source.length && source[i] !== '"' && source[i] !== '\n'; i++) {
          if (source[i] === '\\') i++;
        }
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (char === '}' || char === ']' || char === ')') {
      depth--;
    }
  }
  return deepest;
}

/**
 * Bracket nesting a document may have before it is parsed: room for every field level
 * of MAX_QUERY_DEPTH with an inline fragment and arguments, and never so deep that
 * graphql-js' recursive parser or validators run out of stack (a 500 instead of a 400).
 */
export function documentNestingLimitFor(maxQueryDepth: number): number {
  return Math.max(64, 4 * maxQueryDepth);
}

function queriesOf(request: FastifyRequest): unknown[] {
  if (request.method === 'GET') return [(request.query as { query?: unknown } | null)?.query];
  const operations = Array.isArray(request.body) ? request.body : [request.body];
  return operations.map((operation) => (operation as { query?: unknown } | null)?.query);
}

export interface RequestGuardLimits {
  maxBatchOperations: number;
  maxDocumentNesting: number;
}

/**
 * MAX_BATCH_OPERATIONS and the nesting of each document are checked on the parsed
 * request, before Apollo creates a context for, parses or runs any operation of it.
 */
export function registerRequestGuards(app: FastifyInstance, limits: RequestGuardLimits): void {
  // Clients send the same few documents again and again; scanning each one's text on
  // every request was a visible share of the hot path (BENCHMARKS.md).
  // Bounded: 256 documents of at most 16 K characters.
  const withinNesting = new BoundedMemo<true>(256, 16_384);
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url !== GRAPHQL_PATH) return;
    if (Array.isArray(request.body) && request.body.length > limits.maxBatchOperations) {
      return sendGraphQLError(
        reply,
        400,
        `Batch limit of ${limits.maxBatchOperations} operations exceeded, found ${request.body.length}.`,
        { code: 'BAD_REQUEST' },
      );
    }
    for (const query of queriesOf(request)) {
      if (typeof query !== 'string' || withinNesting.get(query) === true) continue;
      if (nestingOf(query, limits.maxDocumentNesting) <= limits.maxDocumentNesting) {
        withinNesting.set(query, true);
      } else {
        return sendGraphQLError(
          reply,
          400,
          `Syntax Error: Nesting limit of ${limits.maxDocumentNesting} brackets exceeded.`,
          { code: 'GRAPHQL_PARSE_FAILED' },
        );
      }
    }
  });
}

/** CORS only when CORS_ORIGINS lists origins; otherwise no CORS header is ever sent. */
export async function registerCors(app: FastifyInstance, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(fastifyCors, {
    origin: origins,
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: ['x-request-id'],
    maxAge: CORS_MAX_AGE_SECONDS,
    strictPreflight: true,
  });
}

/**
 * Errors fastify raises before a handler runs (413, malformed JSON, unsupported media
 * type) answer as GraphQL errors with their 4xx status; anything else is unexpected:
 * logged in full, answered with a generic message and the request id.
 */
export function gatewayErrorHandler(config: Pick<GatewayConfig, 'maxBodyBytes'>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return sendGraphQLError(
        reply,
        413,
        `Request body is larger than the limit of ${config.maxBodyBytes} bytes.`,
        { code: 'PAYLOAD_TOO_LARGE' },
      );
    }
    if (status >= 400 && status < 500) {
      request.log.debug({ err: error }, 'request refused');
      return sendGraphQLError(reply, status, error.message, { code: 'BAD_REQUEST' });
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendGraphQLError(reply, 500, UNEXPECTED_ERROR_MESSAGE, {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      requestId: request.id,
    });
  };
}
