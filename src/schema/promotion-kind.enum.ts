import { registerEnumType } from 'type-graphql';
import { PROMOTION_KINDS } from '../domain/promotion-read';

/** The API's pointsOfferType / promotionType, in one vocabulary. */
export const PromotionKind = Object.fromEntries(PROMOTION_KINDS.map((k) => [k, k])) as {
  [K in (typeof PROMOTION_KINDS)[number]]: K;
};

registerEnumType(PromotionKind, {
  name: 'PromotionKind',
  description: "What kind of promotion it is (the API's pointsOfferType / promotionType).",
  valuesConfig: {
    GENERIC: { description: 'Available without issue: nobody is enrolled or earns it.' },
    DIRECT_ISSUE: { description: 'Issued directly: customers earn it without enrolling.' },
    ENROL_AND_ISSUE: { description: 'Customers enrol first, then earn it.' },
  },
});
