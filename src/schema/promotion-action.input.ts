import { Field, InputType } from 'type-graphql';
import { CustomerInput, RevokeEarningsCustomerInput } from './customer.input';
import { CustomerIdentifierName } from './customer-identifier-name.enum';
import { PromotionRefInput } from './promotion-ref.input';

/** The four fields every promotion mutation shares; each input type extends it. */
@InputType()
export abstract class PromotionActionInput {
  @Field(() => PromotionRefInput, { description: 'The promotion to act on.' })
  promotion!: PromotionRefInput;

  @Field(() => CustomerIdentifierName, { description: 'Which identifier every customer gives.' })
  identifierName!: CustomerIdentifierName;

  @Field(() => [CustomerInput], {
    description: 'The customers, 1 to gatewayLimits.maxCustomersPerMutation, each at most once.',
  })
  customers!: CustomerInput[];

  @Field(() => String, {
    nullable: true,
    description:
      'Optional, at most 255 characters. The same key with the same input replays the first completed answer instead of calling the API again.',
  })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Input of enrolCustomers.' })
export class EnrolCustomersInput extends PromotionActionInput {}

@InputType({ description: 'Input of earnPromotion.' })
export class EarnPromotionInput extends PromotionActionInput {}

@InputType({ description: 'Input of revokeEnrolments.' })
export class RevokeEnrolmentsInput extends PromotionActionInput {}

@InputType({ description: 'Input of revokeEarnings.' })
export class RevokeEarningsInput extends PromotionActionInput {
  // Replaces the inherited field (type-graphql keeps its place): each customer may name earns.
  @Field(() => [RevokeEarningsCustomerInput], {
    description:
      'The customers, 1 to gatewayLimits.maxCustomersPerMutation, each at most once, with the earns to revoke.',
  })
  declare customers: RevokeEarningsCustomerInput[];
}
