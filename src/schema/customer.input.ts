import { Field, ID, InputType } from 'type-graphql';
import type { CustomerSource as CustomerSourceValue } from '../domain/promotion';
import { CustomerSource } from './customer-source.enum';

@InputType({ description: 'One customer to act on.' })
export class CustomerInput {
  @Field(() => String, {
    description: 'The customer identifier, of the kind named by identifierName.',
  })
  identifierValue!: string;

  @Field(() => CustomerSource, { description: "The source of the customer's registration." })
  source!: CustomerSourceValue;
}

@InputType({ description: 'One customer whose earnings to revoke.' })
export class RevokeEarningsCustomerInput extends CustomerInput {
  @Field(() => [ID], {
    nullable: true,
    description:
      'The earnedIds (as earnPromotion returned them) to revoke, 1 to 100, each once; leave it out to revoke every earn of the customer.',
  })
  earnedIds?: string[] | null;
}
