import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context';
import type { BulkAction } from '../domain/promotion';
import { EarnPromotionPayload, EnrolCustomersPayload } from '../schema/payload.union';
import { presentPayload } from '../schema/present-payload';
import { EarnPromotionInput, EnrolCustomersInput } from '../schema/promotion-action.input';
import { logMutation } from '../security/mutation-log';

@Resolver()
export class PromotionResolver {
  @Mutation(() => EnrolCustomersPayload, {
    description: 'Enrol customers into an Enrol-and-Issue promotion (bulkAction ENROL).',
  })
  async enrolCustomers(
    @Arg('input', () => EnrolCustomersInput, { description: 'Who to enrol into which promotion.' })
    input: EnrolCustomersInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof EnrolCustomersPayload> {
    return (await this.run('ENROL', input, ctx, info)) as typeof EnrolCustomersPayload;
  }

  @Mutation(() => EarnPromotionPayload, {
    description: 'Issue a promotion to customers so that they earn it (bulkAction EARN).',
  })
  async earnPromotion(
    @Arg('input', () => EarnPromotionInput, { description: 'Who earns which promotion.' })
    input: EarnPromotionInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof EarnPromotionPayload> {
    return (await this.run('EARN', input, ctx, info)) as typeof EarnPromotionPayload;
  }

  private async run(
    action: BulkAction,
    input: EnrolCustomersInput | EarnPromotionInput,
    ctx: GatewayContext,
    info: GraphQLResolveInfo,
  ): Promise<object> {
    const facts = {
      operationName: info.operation.name?.value ?? null,
      action,
      customers: input.customers.length,
      started: performance.now(),
    };
    try {
      const payload = presentPayload(
        action,
        await ctx.promotions.run(action, input, ctx.credentials),
      );
      logMutation(ctx.logger, facts, null, payload);
      return payload;
    } catch (error) {
      logMutation(ctx.logger, facts, error, null);
      throw error;
    }
  }
}
