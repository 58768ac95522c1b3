import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { CustomerPromotionsResolver } from './customer-promotions.resolver';
import { GatewayLimitsResolver } from './gateway-limits.resolver';
import { InvalidInputErrorResolver } from './invalid-input-error.resolver';
import { PromotionResolver } from './promotion.resolver';

/**
 * The gateway's schema: type-graphql builds it from the resolvers and the classes of
 * src/schema they reach. Validation is our own (src/promotion). Every output type is
 * declared with `simpleResolvers: true`, so its fields are read as plain properties
 * (BENCHMARKS.md): a `@UseMiddleware` or `@Authorized` on one of their fields would be
 * ignored; drop the option on that type first.
 */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      PromotionResolver,
      GatewayLimitsResolver,
      CustomerPromotionsResolver,
      InvalidInputErrorResolver,
    ],
    validate: false,
  });
}
