import { Field, InputType, Int } from 'type-graphql';
import type { CustomerSource as CustomerSourceValue } from '../domain/promotion';
import type {
  CustomerPromotionStatus as CustomerPromotionStatusValue,
  PromotionKind as PromotionKindValue,
} from '../domain/promotion-read';
import { CustomerIdentifierName } from './customer-identifier-name.enum';
import { CustomerPromotionStatus } from './customer-promotion-status.enum';
import { CustomerSource } from './customer-source.enum';
import { PromotionKind } from './promotion-kind.enum';

@InputType({ description: 'One customer, identified as for the mutations.' })
export class CustomerRefInput {
  @Field(() => CustomerIdentifierName, { description: 'Which identifier identifierValue holds.' })
  identifierName!: CustomerIdentifierName;

  @Field(() => String, {
    description: 'The customer identifier, of the kind named by identifierName.',
  })
  identifierValue!: string;

  @Field(() => CustomerSource, { description: "The source of the customer's registration." })
  source!: CustomerSourceValue;
}

@InputType({ description: 'Input of customerPromotions.' })
export class CustomerPromotionsInput {
  @Field(() => CustomerRefInput, { description: 'Whose promotions.' })
  customer!: CustomerRefInput;

  @Field(() => [Int], {
    nullable: true,
    description: 'Only these programs; every program when absent.',
  })
  programIds?: number[] | null;

  @Field(() => CustomerPromotionStatus, {
    nullable: true,
    description: 'Only promotions in this state for the customer.',
  })
  status?: CustomerPromotionStatusValue | null;

  @Field(() => PromotionKind, { nullable: true, description: 'Only promotions of this kind.' })
  kind?: PromotionKindValue | null;

  @Field(() => Int, { nullable: true, defaultValue: 20, description: 'Page size, 1 to 100.' })
  first?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The previous page's PageInfo.endCursor; opaque.",
  })
  after?: string | null;
}
