import { Field, Int, ObjectType } from 'type-graphql';
import type { CustomerSource as CustomerSourceValue } from '../domain/promotion';
import { CustomerSource } from './customer-source.enum';
import {
  EarningOutcome,
  EarningRevocationOutcome,
  EnrolmentOutcome,
  EnrolmentRevocationOutcome,
} from './outcome.union';

@ObjectType({
  simpleResolvers: true,
})
abstract class CustomerResult {
  @Field(() => String, { description: 'The identifier as the input gave it.' })
  identifierValue!: string;

  @Field(() => CustomerSource, { description: 'The source as the input gave it.' })
  source!: CustomerSourceValue;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One input customer of enrolCustomers and what happened to it.',
})
export class CustomerEnrolment extends CustomerResult {
  @Field(() => EnrolmentOutcome, { description: 'An Enrolment, or why there is none.' })
  outcome!: typeof EnrolmentOutcome;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One input customer of earnPromotion and what happened to it.',
})
export class CustomerEarning extends CustomerResult {
  @Field(() => EarningOutcome, { description: 'An Earning, or why there is none.' })
  outcome!: typeof EarningOutcome;
}

@ObjectType({
  simpleResolvers: true,
})
abstract class MutationResult {
  @Field(() => Int, { description: 'Customers in the input.' })
  totalCount!: number;

  @Field(() => Int, { description: 'Customers whose outcome is a success.' })
  successCount!: number;

  @Field(() => Int, { description: 'Customers whose outcome is an error.' })
  failureCount!: number;

  @Field(() => Boolean, {
    description: 'True when answered from an earlier call with the same idempotencyKey.',
  })
  replayed!: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The per-customer answer of enrolCustomers.',
})
export class EnrolCustomersResult extends MutationResult {
  @Field(() => [CustomerEnrolment], { description: 'One per input customer, in input order.' })
  results!: CustomerEnrolment[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'The per-customer answer of earnPromotion.',
})
export class EarnPromotionResult extends MutationResult {
  @Field(() => [CustomerEarning], { description: 'One per input customer, in input order.' })
  results!: CustomerEarning[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'One input customer of revokeEnrolments and what happened to it.',
})
export class CustomerEnrolmentRevocation extends CustomerResult {
  @Field(() => EnrolmentRevocationOutcome, {
    description: 'An EnrolmentRevocation, or why there is none.',
  })
  outcome!: typeof EnrolmentRevocationOutcome;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One input customer of revokeEarnings and what happened to it.',
})
export class CustomerEarningRevocation extends CustomerResult {
  @Field(() => EarningRevocationOutcome, {
    description: 'An EarningRevocation, or why there is none.',
  })
  outcome!: typeof EarningRevocationOutcome;
}

@ObjectType({
  simpleResolvers: true,
  description: 'The per-customer answer of revokeEnrolments.',
})
export class RevokeEnrolmentsResult extends MutationResult {
  @Field(() => [CustomerEnrolmentRevocation], {
    description: 'One per input customer, in input order.',
  })
  results!: CustomerEnrolmentRevocation[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'The per-customer answer of revokeEarnings.',
})
export class RevokeEarningsResult extends MutationResult {
  @Field(() => [CustomerEarningRevocation], {
    description: 'One per input customer, in input order.',
  })
  results!: CustomerEarningRevocation[];
}
