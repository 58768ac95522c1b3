/**
 * What a client may learn from an error. Errors we meant to send (refusals of the
 * request, bad input, missing or refused credentials) pass through; anything else is
 * unexpected: logged in full on the server, and in production answered only with a
 * generic message and the request id to quote. No stack trace leaves the process.
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../context';
import { ErrorCode } from './errors';
import { rewordTokenLimit } from './operation-limits';

export const UNEXPECTED_ERROR_MESSAGE =
  'Unexpected error in the gateway. Quote the requestId when you report it.';

/** Codes of errors that tell the caller about its own request; they reach it as they are. */
export const EXPECTED_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.PROMOTION_DEFINITION_UNAVAILABLE,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  ErrorCode.QUERY_NOT_IN_SAFELIST,
  ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
]);

export function isExpectedCode(code: unknown): boolean {
  return typeof code === 'string' && EXPECTED_ERROR_CODES.has(code);
}

/**
 * Apollo refuses a persisted query whose hash does not match its document, or of an
 * unknown version, with a 400 and no code: the caller's mistake, not ours.
 */
function codeOf(error: unknown): unknown {
  if (!(error instanceof GraphQLError)) return undefined;
  const { code, http } = error.extensions as { code?: unknown; http?: { status?: unknown } };
  if (code === undefined && http?.status === 400) return 'BAD_REQUEST';
  return code;
}

const SUGGESTION = ' Did you mean ';

/**
 * graphql-js' "Did you mean ...?" hints name schema members the caller did not ask
 * about. graphql-js always puts the hint last; finding it from the end stays linear
 * when the message echoes a huge value.
 */
export function withoutSuggestions(message: string): string {
  const at = message.lastIndexOf(SUGGESTION);
  return at !== -1 && message.endsWith('?') ? message.slice(0, at) : message;
}

export interface ErrorPolicyOptions {
  /** Mask unexpected errors and hide suggestions (NODE_ENV=production). */
  production: boolean;
}

/** Apollo's `formatError`: every error response, batched or not, goes through it. */
export function formatErrorFor({
  production,
}: ErrorPolicyOptions): (
  formatted: GraphQLFormattedError,
  error: unknown,
) => GraphQLFormattedError {
  return (received, error) => {
    const code = codeOf(error) ?? received.extensions?.code;
    const formatted =
      code === received.extensions?.code
        ? received
        : { ...received, extensions: { ...received.extensions, code } };
    if (!isExpectedCode(code)) {
      if (!production) return formatted;
      // The path says which field failed and nothing about why: it may stay.
      return {
        message: UNEXPECTED_ERROR_MESSAGE,
        ...(formatted.path ? { path: formatted.path } : {}),
        extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
      };
    }
    let message = rewordTokenLimit(formatted.message);
    if (formatted.extensions?.validationErrorCode === 'INTROSPECTION_DISABLED') {
      message = 'Introspection is disabled on this gateway.';
    }
    if (production) message = withoutSuggestions(message);
    return { ...formatted, message };
  };
}

type MutableFormattedError = {
  -readonly [K in keyof GraphQLFormattedError]: GraphQLFormattedError[K];
};

/** Refusals echo what the caller sent, which may be megabytes: the log keeps the start. */
const MAX_LOGGED_REFUSAL_LENGTH = 2000;

/**
 * graphql-js quotes the value it refused ("got invalid value 7654321", "non string value:
 * 7654321", "found ..."): a customer id too short for the log masking. The reason stays.
 */
const ECHOED_VALUE =
  /\b(invalid value|value:|found) ("(?:[^"\\]|\\.)*"|\{[^}]*\}|\[[^\]]*\]|[^\s;]+)/g;

export function withoutEchoedValues(message: string): string {
  return message.replace(ECHOED_VALUE, '$1 [...]');
}

function truncated(message: string): string {
  return message.length <= MAX_LOGGED_REFUSAL_LENGTH
    ? message
    : `${message.slice(0, MAX_LOGGED_REFUSAL_LENGTH)}… (${message.length} characters)`;
}

function describe(error: GraphQLError): Record<string, unknown> {
  return {
    err: error.originalError ?? error,
    ...(error.path ? { path: error.path.join('.') } : {}),
  };
}

/**
 * Logs every unexpected error in full (message, stack) with the request id, and puts
 * that id in the error the client gets. Expected errors are logged at debug only.
 */
export function errorReportingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    // Apollo answers these with a bare 500 and logs only the message: keep the detail.
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      requestContext.contextValue.logger.error({ err: error }, 'unexpected error');
    },
    async requestDidStart() {
      return {
        async didEncounterErrors(requestContext: GraphQLRequestContext<GatewayContext>) {
          const { logger } = requestContext.contextValue;
          // The resolved name only: the request's own field is whatever the caller sent.
          const { operationName } = requestContext;
          for (const error of requestContext.errors ?? []) {
            const code = codeOf(error);
            if (isExpectedCode(code)) {
              logger.debug(
                { operationName, code, message: truncated(withoutEchoedValues(error.message)) },
                'request refused',
              );
            } else {
              logger.error({ operationName, ...describe(error) }, 'unexpected error');
            }
          }
        },
        async willSendResponse(requestContext: GraphQLRequestContext<GatewayContext>) {
          const { body } = requestContext.response;
          if (body === undefined) return;
          const errors =
            body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          for (const error of (errors ?? []) as MutableFormattedError[]) {
            if (!isExpectedCode(error.extensions?.code)) {
              error.extensions = {
                ...error.extensions,
                requestId: requestContext.contextValue.requestId,
              };
            }
          }
        },
      };
    },
  };
}
