/**
 * The HTTP edge's defences before Apollo sees a request (the body budget and bracket
 * nesting have their own modules); what fastify refuses answers in GraphQL's shape.
 */
import fastifyCors from '@fastify/cors';
import type { ServerOptions } from 'node:http';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import { LRUCache } from 'lru-cache';
import type { GatewayConfig } from '../config';
import { ErrorCode } from '../graphql/errors';
import { UNEXPECTED_ERROR_MESSAGE } from '../graphql/error-policy';
import { nestingOf } from './document-nesting';

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

/**
 * Node's clocks for a socket: a request's headers and body must arrive within
 * BODY_TIMEOUT_MS (else node answers 408 and closes the socket); an idle keep-alive
 * connection closes after KEEP_ALIVE_TIMEOUT_MS.
 */
export function socketLimitsFor(
  config: Pick<GatewayConfig, 'bodyTimeoutMs' | 'keepAliveTimeoutMs'>,
): Pick<FastifyServerOptions, 'requestTimeout' | 'keepAliveTimeout'> & { http: ServerOptions } {
  return {
    requestTimeout: config.bodyTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      requestTimeout: config.bodyTimeoutMs,
      headersTimeout: config.bodyTimeoutMs,
      // Node looks for late requests every 30 s by default: a 10 s timeout would fire
      // after up to 40 s, with every late body held meanwhile.
      connectionsCheckingInterval: Math.min(1000, Math.max(50, config.bodyTimeoutMs / 4)),
    },
  };
}

/**
 * REQUEST_TIMEOUT_MS bounds a request from its headers to the last byte of its answer.
 * A request still unanswered then (or whose client stopped reading the answer) loses
 * its connection: keeping it would hold its memory for as long as the client likes.
 */
export function registerRequestTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', async (request, reply) => {
    const timer = setTimeout(() => {
      if (reply.raw.writableFinished) return;
      request.log.warn({ timeoutMs }, 'request timed out; connection closed');
      request.raw.socket.destroy();
    }, timeoutMs);
    // 'close' comes once the answer is sent or the connection is gone, whichever is first.
    reply.raw.once('close', () => clearTimeout(timer));
  });
}

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

function queriesOf(request: FastifyRequest): unknown[] {
  if (request.method === 'GET') return [(request.query as { query?: unknown } | null)?.query];
  const operations = Array.isArray(request.body) ? request.body : [request.body];
  return operations.map((operation) => (operation as { query?: unknown } | null)?.query);
}

/** Default `256` documents of at most `16,384` characters: some 8 MB of keys at most. */
const REMEMBERED_DOCUMENTS = 256;
const REMEMBERED_DOCUMENT_LENGTH = 16_384;

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
  const withinNesting = new LRUCache<string, true>({ max: REMEMBERED_DOCUMENTS });
  const remembered = (query: string): boolean =>
    query.length <= REMEMBERED_DOCUMENT_LENGTH && withinNesting.get(query) === true;
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
      if (typeof query !== 'string' || remembered(query)) continue;
      if (nestingOf(query, limits.maxDocumentNesting) <= limits.maxDocumentNesting) {
        if (query.length <= REMEMBERED_DOCUMENT_LENGTH) withinNesting.set(query, true);
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

/**
 * PUT, DELETE and PATCH on /graphql: 405 and the methods it serves, before the body is
 * read (GraphQL over HTTP; Apollo answers other methods it receives the same way).
 * OPTIONS stays with CORS, HEAD with Apollo.
 */
export function registerMethodNotAllowed(app: FastifyInstance): void {
  app.route({
    method: ['PUT', 'DELETE', 'PATCH'],
    url: GRAPHQL_PATH,
    onRequest: async (request, reply) =>
      sendGraphQLError(
        reply.header('allow', 'GET, POST'),
        405,
        `${request.method} is not served on ${GRAPHQL_PATH}: use GET or POST.`,
        { code: 'METHOD_NOT_ALLOWED' },
      ),
    handler: async () => undefined,
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

/** Requests whose server error the error handler has logged already, with its cause. */
const loggedServerErrors = new WeakSet<FastifyRequest>();

/**
 * Some failures never pass through a hook that logs (Apollo answers an error thrown while
 * it serialises or joins a batch with a bare 500): every such answer gets one line. 503s
 * are this replica draining, said by /readyz and fastify, not a fault.
 */
export function registerServerErrorLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode < 500 || reply.statusCode === 503) return;
    if (loggedServerErrors.has(request)) return;
    request.log.error({ statusCode: reply.statusCode }, 'answered with a server error');
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
    loggedServerErrors.add(request);
    request.log.error({ err: error }, 'unexpected error');
    return sendGraphQLError(reply, 500, UNEXPECTED_ERROR_MESSAGE, {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      requestId: request.id,
    });
  };
}
