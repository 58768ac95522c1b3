import { assertNever } from '../domain/outcome';
import type { CustomerPromotionRecord, PromotionDefinition } from '../domain/promotion-read';
import { UpstreamCode } from '../domain/upstream-codes';
import type {
  CustomerPromotionsAnswer,
  PromotionDefinitionAnswer,
} from '../promotion/promotion-read.service';
import {
  CustomerPromotion,
  CustomerPromotions,
  PageInfo,
  PromotionEarning,
  PromotionEnrolment,
  PromotionUsage,
} from '../schema/customer-promotions.type';
import { Promotion, PromotionLimits, PromotionRestriction } from '../schema/promotion.type';
import type { CustomerPromotionsPayload, PromotionPayload } from '../schema/read-payload.union';
import {
  CustomerNotFoundError,
  InvalidProgramError,
  InvalidPromotionError,
} from '../schema/upstream-errors.type';
import { build } from './build';
import {
  presentInvalidInput,
  presentPathFailure,
  type CustomerErrorTypes,
} from './mutation-error.presenter';

/** The customer lookup's codes with a type of their own in CustomerPromotionsPayload. */
const lookupErrorTypeByCode: CustomerErrorTypes = new Map([
  [UpstreamCode.CUSTOMER_NOT_FOUND, CustomerNotFoundError],
  [UpstreamCode.INVALID_PROGRAM, InvalidProgramError],
  [UpstreamCode.PROGRAM_ID_INVALID, InvalidProgramError],
]);

/** get-by-id's codes with a type of their own in PromotionPayload. */
const definitionErrorTypeByCode: CustomerErrorTypes = new Map([
  [UpstreamCode.PROMOTION_ID_INVALID, InvalidPromotionError],
  [UpstreamCode.INVALID_PROMOTION, InvalidPromotionError],
  [UpstreamCode.PROGRAM_ID_INVALID, InvalidProgramError],
  [UpstreamCode.INVALID_PROGRAM, InvalidProgramError],
]);

function customerPromotionOf(record: CustomerPromotionRecord): CustomerPromotion {
  return build(CustomerPromotion, {
    programId: record.programId,
    promotionId: record.promotionId,
    promoIdentifier: record.promoIdentifier,
    name: record.name,
    description: record.description,
    kind: record.kind,
    active: record.active,
    startsAt: record.startsAt,
    endsAt: record.endsAt,
    usage: build(PromotionUsage, record.usage),
    enrolments: record.enrolments.map((enrolment) =>
      build(PromotionEnrolment, {
        issualId: enrolment.issualId,
        enrolledAt: enrolment.enrolledAt,
        expiresAt: enrolment.expiresAt,
        earnings: enrolment.earnings.map((earning) => build(PromotionEarning, earning)),
      }),
    ),
  });
}

function pageInfoOf(hasNextPage: boolean, nextCursor: (() => string) | null): PageInfo {
  const info = new PageInfo();
  info.hasNextPage = hasNextPage;
  // An own getter, not a class accessor: type-graphql would wrap an accessor in a resolver.
  Object.defineProperty(info, 'endCursor', {
    enumerable: true,
    get: () => (nextCursor === null ? null : nextCursor()),
  });
  return info;
}

export function presentCustomerPromotions(
  answer: Exclude<CustomerPromotionsAnswer, { kind: 'UNAUTHENTICATED' | 'FORBIDDEN' }>,
): typeof CustomerPromotionsPayload {
  switch (answer.kind) {
    case 'INVALID_INPUT':
      return presentInvalidInput(answer.violations);
    case 'FAILED':
      return presentPathFailure(answer.failure, lookupErrorTypeByCode);
    case 'PAGE': {
      const { page, offset, cursorAt } = answer;
      const next = offset + page.promotions.length;
      return build(CustomerPromotions, {
        entityId: page.entityId,
        promotions: page.promotions.map(customerPromotionOf),
        totalCount: page.totalCount,
        pageInfo: pageInfoOf(
          page.promotions.length > 0 && next < page.totalCount,
          page.promotions.length > 0 ? () => cursorAt(next) : null,
        ),
      });
    }
    default:
      return assertNever(answer);
  }
}

export function presentDefinition(definition: PromotionDefinition): Promotion {
  return build(Promotion, {
    ...definition,
    limits: build(PromotionLimits, definition.limits),
    restrictions: definition.restrictions.map((r) => build(PromotionRestriction, r)),
  });
}

export function presentPromotion(
  answer: Exclude<PromotionDefinitionAnswer, { kind: 'UNAUTHENTICATED' | 'FORBIDDEN' }>,
): typeof PromotionPayload {
  switch (answer.kind) {
    case 'INVALID_INPUT':
      return presentInvalidInput(answer.violations);
    case 'FAILED':
      return presentPathFailure(answer.failure, definitionErrorTypeByCode);
    case 'DEFINITION':
      return presentDefinition(answer.definition);
    default:
      return assertNever(answer);
  }
}
