import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { PromotionKind as PromotionKindValue } from '../domain/promotion-read';
import { PromotionKind } from './promotion-kind.enum';
import { Promotion } from './promotion.type';

@ObjectType({ simpleResolvers: true, description: 'Where a page of a list stands (Relay).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when another page follows this one.' })
  hasNextPage!: boolean;

  // The presenter makes it a lazy own property: signed only when a client asks for it.
  @Field(() => String, {
    nullable: true,
    description: 'Pass as `after` to get the next page; null when this page is empty.',
  })
  endCursor?: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One earning of an enrolment (the API calls it an issue).',
})
export class PromotionEarning {
  @Field(() => ID, {
    description: "The earnedId earnPromotion returned (the lookup's issuedDetails[].issualId).",
  })
  earnedId!: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was earned.' })
  earnedAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it expires.' })
  expiresAt?: Date | null;

  @Field(() => Int, { description: 'Times it was redeemed.' })
  redeemedCount!: number;
}

@ObjectType({ simpleResolvers: true, description: "One of the customer's enrolments." })
export class PromotionEnrolment {
  @Field(() => ID, {
    description: "The issualId enrolCustomers returned (the lookup's enrollmentId).",
  })
  issualId!: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the customer enrolled.' })
  enrolledAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the enrolment expires.' })
  expiresAt?: Date | null;

  @Field(() => [PromotionEarning], { description: 'What was earned on it, newest first.' })
  earnings!: PromotionEarning[];
}

@ObjectType({
  simpleResolvers: true,
  description:
    'Caps and use; null where the API sets no cap (-1) or does not say. Points are decimal strings as the API gives them.',
})
export class PromotionUsage {
  @Field(() => Int, { nullable: true, description: 'Times one customer may earn it.' })
  maxTimesPerCustomer?: number | null;

  @Field(() => Int, { nullable: true, description: 'Times this customer earned it.' })
  timesUsedByCustomer?: number | null;

  @Field(() => String, { nullable: true, description: 'Points one customer may get.' })
  maxPointsPerCustomer?: string | null;

  @Field(() => String, { nullable: true, description: 'Points this customer got.' })
  pointsUsedByCustomer?: string | null;

  @Field(() => String, { nullable: true, description: 'Points one event may give.' })
  maxPointsPerEvent?: string | null;

  @Field(() => String, { nullable: true, description: 'Points the promotion may give in all.' })
  maxPointsInPromotion?: string | null;

  @Field(() => String, { nullable: true, description: 'Points the promotion gave in all.' })
  pointsUsedInPromotion?: string | null;
}

@ObjectType({
  simpleResolvers: true,
  description: 'One promotion as the API records it for one customer.',
})
export class CustomerPromotion {
  @Field(() => Int, { description: 'The loyalty program.' })
  programId!: number;

  @Field(() => Int, { description: 'The promotion id.' })
  promotionId!: number;

  @Field(() => String, {
    nullable: true,
    description: "The promotion's external identifier (the API's identifier).",
  })
  promoIdentifier?: string | null;

  @Field(() => String, { description: "The promotion's name." })
  name!: string;

  @Field(() => String, { nullable: true, description: "The promotion's description." })
  description?: string | null;

  @Field(() => PromotionKind, { description: 'What kind of promotion it is.' })
  kind!: PromotionKindValue;

  @Field(() => Boolean, { description: 'Whether the API marks it active.' })
  active!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it starts.' })
  startsAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it ends.' })
  endsAt?: Date | null;

  @Field(() => PromotionUsage, { description: 'Caps, and how much of them is used.' })
  usage!: PromotionUsage;

  @Field(() => [PromotionEnrolment], {
    description:
      "The customer's enrolments, newest first; [] when never enrolled (and always for GENERIC).",
  })
  enrolments!: PromotionEnrolment[];

  // Resolved by CustomerPromotionResolver.definition (batched and cached).
  definition?: Promotion | null;
}

@ObjectType({ simpleResolvers: true, description: "One page of a customer's promotions." })
export class CustomerPromotions {
  @Field(() => ID, {
    description: "The customer id in the loyalty platform (the API's customerId).",
  })
  entityId!: string;

  @Field(() => [CustomerPromotion], { description: 'The promotions of this page.' })
  promotions!: CustomerPromotion[];

  @Field(() => Int, { description: 'Every matching promotion, all pages.' })
  totalCount!: number;

  @Field(() => PageInfo, { description: 'How to get the next page.' })
  pageInfo!: PageInfo;
}
