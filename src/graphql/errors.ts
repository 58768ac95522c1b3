import { GraphQLError } from 'graphql';

/** Top-level GraphQL error codes this gateway uses, in one place. */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  /** CustomerPromotion.definition could not be had: the field is null with this error. */
  PROMOTION_DEFINITION_UNAVAILABLE: 'PROMOTION_DEFINITION_UNAVAILABLE',
  /** TRUSTED_DOCUMENTS: a document sent as text that is not in the manifest (Apollo Router's code). */
  QUERY_NOT_IN_SAFELIST: 'QUERY_NOT_IN_SAFELIST',
  /** TRUSTED_DOCUMENTS: a hash that is not in the manifest (Apollo Router's code). */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
} as const;

export function definitionUnavailable(
  message: string,
  details: { retryable: boolean; upstreamCode: number | null },
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.PROMOTION_DEFINITION_UNAVAILABLE, ...details },
  });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
  });
}
