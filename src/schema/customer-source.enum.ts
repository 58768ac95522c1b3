import { registerEnumType } from 'type-graphql';
import { CUSTOMER_SOURCES } from '../domain/promotion';

/** Registration source of a customer, as the promotion API names it. */
export const CustomerSource = Object.fromEntries(CUSTOMER_SOURCES.map((s) => [s, s])) as {
  [S in (typeof CUSTOMER_SOURCES)[number]]: S;
};

registerEnumType(CustomerSource, {
  name: 'CustomerSource',
  description: "The source of the customer's registration, as known to the loyalty platform.",
});
