/**
 * Where a customer's call goes (DESIGN.md §8): who may share a call, and the customer
 * that must never be in two concurrent calls.
 */
import { callerIdOf } from '../domain/caller';
import { customerIdentityOf } from '../domain/customer-identity';
import type {
  BulkAction,
  Credentials,
  CustomerRef,
  IdentifierName,
  PromotionRef,
  PromotionRequest,
} from '../domain/promotion';

/** Where a customer's call goes: the batch key and what its calls are made of. */
export interface Route {
  /** `batchKeyOf`: who may share a call. */
  key: string;
  /** `laneOf`: the caller and promotion within which one customer is in one call at a time. */
  lane: string;
  credentials: Credentials;
  action: BulkAction;
  promotion: PromotionRef;
  identifierName: IdentifierName;
}

/**
 * The scope within which one customer is never in two concurrent calls (DESIGN.md §8):
 * caller, program and promotion, whatever the action, since the platform refuses
 * concurrent actions on one customer (521).
 */
function laneOf(callerId: string, promotion: PromotionRef): string {
  const { programId, promotionId, promoIdentifier } = promotion;
  // JSON keeps the parts unambiguous whatever characters a promoIdentifier holds.
  return JSON.stringify([
    callerId,
    programId,
    promotionId ?? null,
    promotionId === null || promotionId === undefined ? (promoIdentifier ?? null) : null,
  ]);
}

function batchKeyIn(lane: string, request: PromotionRequest): string {
  return `${lane}\u0000${request.action}\u0000${request.identifierName}`;
}

/**
 * Who may share a call: the same caller (a hash of the credential headers, so that
 * the key itself holds no secret), program, promotion, action and identifierName.
 */
export function batchKeyOf(request: PromotionRequest, credentials: Credentials): string {
  return batchKeyIn(laneOf(callerIdOf(credentials), request.promotion), request);
}

/** One customer of a lane however it was spelled (`customerIdentityOf`), per identifierName. */
export function exclusionKeyOf(route: Route, customer: CustomerRef): string {
  const identity = customerIdentityOf(route.identifierName, customer.identifierValue);
  return `${route.lane}\u0000${route.identifierName}\u0000${identity}`;
}

/** The route of one mutation of `callerId`. */
export function routeOf(
  callerId: string,
  request: PromotionRequest,
  credentials: Credentials,
): Route {
  const lane = laneOf(callerId, request.promotion);
  return {
    key: batchKeyIn(lane, request),
    lane,
    credentials,
    action: request.action,
    promotion: request.promotion,
    identifierName: request.identifierName,
  };
}
