import { Field, InputType } from 'type-graphql';
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
