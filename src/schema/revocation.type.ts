import { Field, ID, ObjectType } from 'type-graphql';
import { Issued } from './issued.type';

@ObjectType({
  simpleResolvers: true,
  description: "The customer's enrolment in the promotion is revoked.",
})
export class EnrolmentRevocation extends Issued {
  @Field(() => ID, {
    description: 'The issualId of the enrolment revoked (as enrolCustomers returned it).',
  })
  revokedIssualId!: string;
}

@ObjectType({
  simpleResolvers: true,
  description: "The customer's earnings of the promotion are revoked.",
})
export class EarningRevocation extends Issued {
  @Field(() => [ID], { description: 'The earnedIds revoked (as earnPromotion returned them).' })
  revokedEarnedIds!: string[];
}
