import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context';
import { EarnPromotionInput, EnrolCustomersInput } from '../schema/promotion-action.input';
import { EarnPromotionPayload, EnrolCustomersPayload } from '../schema/payload.union';
import { presentPayload } from '../schema/present-payload';

@Resolver()
export class PromotionResolver {
  @Mutation(() => EnrolCustomersPayload, {
    description: 'Enrol customers into an Enrol-and-Issue promotion (bulkAction ENROL).',
  })
  async enrolCustomers(
    @Arg('input', () => EnrolCustomersInput, { description: 'Who to enrol into which promotion.' })
    input: EnrolCustomersInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<typeof EnrolCustomersPayload> {
    const payload = await ctx.promotions.run('ENROL', input, ctx.credentials);
    return presentPayload('ENROL', payload) as typeof EnrolCustomersPayload;
  }

  @Mutation(() => EarnPromotionPayload, {
    description: 'Issue a promotion to customers so that they earn it (bulkAction EARN).',
  })
  async earnPromotion(
    @Arg('input', () => EarnPromotionInput, { description: 'Who earns which promotion.' })
    input: EarnPromotionInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<typeof EarnPromotionPayload> {
    const payload = await ctx.promotions.run('EARN', input, ctx.credentials);
    return presentPayload('EARN', payload) as typeof EarnPromotionPayload;
  }
}
