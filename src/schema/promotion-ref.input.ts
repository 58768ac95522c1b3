import { Field, InputType, Int } from 'type-graphql';

@InputType({
  description:
    'The promotion to act on: its program, and exactly one of promotionId / promoIdentifier.',
})
export class PromotionRefInput {
  @Field(() => Int, { description: 'Loyalty program id.' })
  programId!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Promotion id. Give this or promoIdentifier, not both.',
  })
  promotionId?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'External identifier of the promotion. Give this or promotionId, not both.',
  })
  promoIdentifier?: string | null;
}
