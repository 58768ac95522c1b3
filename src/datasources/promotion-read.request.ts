/**
 * The read endpoints' requests (pure): query strings built in one fixed order, since
 * identical lookups are told apart by them (DESIGN §8).
 */
import type { LookupQuery, PromotionKey } from '../domain/promotion-read';

export const PROMOTION_DATA_PATH = '/v2/customers/lookup/promotionData';

/** `identifierName` in lower case, `programs` comma-joined; absent filters are not sent. */
export function lookupQueryString(query: LookupQuery): string {
  const params = new URLSearchParams({
    identifierName: query.identifierName.toLowerCase(),
    identifierValue: query.identifierValue,
    source: query.source,
    limit: String(query.limit),
    offset: String(query.offset),
  });
  if (query.programIds !== null && query.programIds.length > 0) {
    params.set('programs', query.programIds.join(','));
  }
  if (query.status !== null) params.set('promotionStatusForCustomer', query.status);
  if (query.kind !== null) params.set('promotionType', query.kind);
  return params.toString();
}

/** The get-by-id endpoint as metrics and traces name it: a template, never an id. */
export const PROMOTION_DEFINITION_ENDPOINT =
  '/api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get';

export function definitionPathOf({ programId, promotionId }: PromotionKey): string {
  return `/api_gateway/loyalty/v1/programs/${programId}/promotions/${promotionId}/get`;
}
