import { DateTimeResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import type {
  PromotionKind as PromotionKindValue,
  RestrictionScope as RestrictionScopeValue,
} from '../domain/promotion-read';
import { PromotionKind } from './promotion-kind.enum';
import { RestrictionScope } from './restriction-scope.enum';

@ObjectType({
  simpleResolvers: true,
  description: 'Caps of a promotion; null where the API sets none (-1). Points as decimal strings.',
})
export class PromotionLimits {
  @Field(() => Int, { nullable: true, description: 'Times one customer may earn it.' })
  maxTimesPerCustomer?: number | null;

  @Field(() => String, { nullable: true, description: 'Points one customer may get.' })
  maxPointsPerCustomer?: string | null;

  @Field(() => String, { nullable: true, description: 'Points one event may give.' })
  maxPointsPerEvent?: string | null;

  @Field(() => String, { nullable: true, description: 'Points the promotion may give in all.' })
  maxPointsInPromotion?: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'One restriction of a promotion.' })
export class PromotionRestriction {
  @Field(() => RestrictionScope, { description: 'What it restricts.' })
  scope!: RestrictionScopeValue;

  @Field(() => String, { description: "The API's name, like MAX_NUMBER_OF_EARNS_PER_CUSTOMER." })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Its value; -1 means no cap.' })
  value?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'PERIOD_BASED / NON_PERIOD_BASED, or PROMOTION / CUSTOM for expiry.',
  })
  type?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. MOVING_WINDOW.' })
  periodType?: string | null;

  @Field(() => String, { nullable: true, description: 'DAILY, WEEKLY or MONTHLY.' })
  periodUnit?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "A promotion's definition (get-by-id)." })
export class Promotion {
  @Field(() => Int, { description: 'The loyalty program.' })
  programId!: number;

  @Field(() => Int, { description: 'The promotion id.' })
  promotionId!: number;

  @Field(() => String, { nullable: true, description: "The promotion's external identifier." })
  promoIdentifier?: string | null;

  @Field(() => String, { description: "The promotion's name." })
  name!: string;

  @Field(() => String, { nullable: true, description: "The promotion's description." })
  description?: string | null;

  @Field(() => PromotionKind, { description: 'What kind of promotion it is.' })
  kind!: PromotionKindValue;

  @Field(() => String, {
    nullable: true,
    description: "The API's promotionStatus (LIVE, PENDING, ...).",
  })
  status?: string | null;

  @Field(() => Boolean, { description: 'Whether the API marks it active.' })
  active!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it starts.' })
  startsAt?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it ends.' })
  endsAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'The event it is earned on.' })
  eventName?: string | null;

  @Field(() => PromotionLimits, { description: 'Its caps.' })
  limits!: PromotionLimits;

  @Field(() => [PromotionRestriction], { description: 'Its restrictions, every scope.' })
  restrictions!: PromotionRestriction[];
}
