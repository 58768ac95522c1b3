import { registerEnumType } from 'type-graphql';
import { CUSTOMER_PROMOTION_STATUSES } from '../domain/promotion-read';

/** The API's promotionStatusForCustomer. */
export const CustomerPromotionStatus = Object.fromEntries(
  CUSTOMER_PROMOTION_STATUSES.map((s) => [s, s]),
) as { [S in (typeof CUSTOMER_PROMOTION_STATUSES)[number]]: S };

registerEnumType(CustomerPromotionStatus, {
  name: 'CustomerPromotionStatus',
  description: 'Where a promotion stands for one customer.',
  valuesConfig: {
    AVAILABLE_TO_ENROL: {
      description: 'An Enrol-and-Issue promotion the customer has not joined.',
    },
    AVAILABLE_TO_EARN: {
      description: 'A Direct Issue promotion, or an Enrol-and-Issue one the customer joined.',
    },
    AVAILABLE_TO_REDEEM: { description: 'An active promotion of any kind.' },
    EXPIRED: { description: 'A promotion past its end date.' },
  },
});
