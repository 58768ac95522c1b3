import { Ctx, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context';
import { GatewayLimits } from '../schema/gateway-limits.type';

@Resolver()
export class GatewayLimitsResolver {
  @Query(() => GatewayLimits, { description: "This gateway's limits; needs no credentials." })
  gatewayLimits(@Ctx() ctx: GatewayContext): GatewayLimits {
    return Object.assign(new GatewayLimits(), {
      maxCustomersPerMutation: ctx.config.maxCustomersPerMutation,
      upstreamBatchSize: ctx.config.upstreamBatchSize,
      batchWindowMs: ctx.config.batchWindowMs,
    });
  }
}
