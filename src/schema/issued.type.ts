import { Field, ID, Int, ObjectType } from 'type-graphql';
import { UpstreamWarning } from './upstream-warning.type';

/** Fields that every success of a promotion mutation shares (enrolments, earnings, revocations). */
@ObjectType({
  simpleResolvers: true,
})
export abstract class Issued {
  @Field(() => ID, { description: 'The customer id in the loyalty platform.' })
  entityId!: string;

  @Field(() => Int, { description: 'The loyalty program.' })
  programId!: number;

  @Field(() => Int, { nullable: true, description: 'The promotion id, when the API returned it.' })
  promotionId?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The promotion's external identifier, when the API returned it.",
  })
  promoIdentifier?: string | null;

  @Field(() => [UpstreamWarning], { description: 'Warnings the API gave with this result.' })
  warnings!: UpstreamWarning[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'The customer is enrolled in the promotion.',
})
export class Enrolment extends Issued {
  @Field(() => ID, { description: 'Id of this enrolment (the API calls enrolment "issue").' })
  issualId!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The promotion was issued to the customer, who earned it.',
})
export class Earning extends Issued {
  @Field(() => ID, {
    description: 'Id of the enrolment earned on; a placeholder for Direct Issue promotions.',
  })
  issualId!: string;

  @Field(() => ID, { description: 'Id of this earn.' })
  earnedId!: string;
}
