import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { GatewayLimitsResolver } from '../resolvers/gateway-limits.resolver';
import { PromotionResolver } from '../resolvers/promotion.resolver';

/** The gateway's schema, built from the type-graphql classes. Validation is our own (src/promotion). */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [PromotionResolver, GatewayLimitsResolver],
    validate: false,
  });
}
