import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { definitionUnavailable, forbidden, unauthenticated } from '../graphql/errors';
import { payloadNameOf } from '../observability/mutation-log';
import { isRetryable } from '../promotion/payload';
import type { Refusal } from '../promotion/payload';
import { CustomerPromotionsInput } from '../schema/customer-promotions.input';
import { CustomerPromotion } from '../schema/customer-promotions.type';
import { Promotion } from '../schema/promotion.type';
import { CustomerPromotionsPayload, PromotionPayload } from '../schema/read-payload.union';
import {
  presentCustomerPromotions,
  presentDefinition,
  presentPromotion,
} from './promotion-read.presenter';

@Resolver(() => CustomerPromotion)
export class CustomerPromotionsResolver {
  @Query(() => CustomerPromotionsPayload, {
    description:
      "A customer's promotions as the promotion API records them (GET /v2/customers/lookup/promotionData).",
  })
  async customerPromotions(
    @Arg('input', () => CustomerPromotionsInput, {
      description: 'Whose promotions, which, and which page.',
    })
    input: CustomerPromotionsInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof CustomerPromotionsPayload> {
    return answered(ctx, info, async () => {
      const answer = await ctx.reads.customerPromotions(input, ctx.credentials, ctx.operationTrace);
      if (isRefusal(answer)) throw refused(answer);
      return presentCustomerPromotions(answer);
    });
  }

  @Query(() => PromotionPayload, {
    description:
      "One promotion's definition (GET /api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get).",
  })
  async promotion(
    @Arg('programId', () => Int, { description: 'The loyalty program.' }) programId: number,
    @Arg('promotionId', () => Int, { description: 'The promotion id.' }) promotionId: number,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof PromotionPayload> {
    return answered(ctx, info, async () => {
      const answer = await ctx.reads.promotion(
        { programId, promotionId },
        ctx.credentials,
        ctx.operationTrace,
      );
      if (isRefusal(answer)) throw refused(answer);
      return presentPromotion(answer);
    });
  }

  @FieldResolver(() => Promotion, {
    nullable: true,
    description:
      "The promotion's definition, fetched on demand (batched and cached, see DESIGN §8); null with a GraphQL error when it cannot be had.",
  })
  async definition(
    @Root() promotion: CustomerPromotion,
    @Ctx() ctx: GatewayContext,
  ): Promise<Promotion> {
    const result = await ctx.definitions.load(
      { programId: promotion.programId, promotionId: promotion.promotionId },
      ctx.operationTrace,
    );
    switch (result.kind) {
      case 'OK':
        return presentDefinition(result.value);
      case 'AUTH_REJECTED':
        throw result.status === 403
          ? forbidden('The promotion API refused these credentials access to this data.')
          : unauthenticated('The promotion API did not accept these credentials.');
      default:
        throw definitionUnavailable(
          `The promotion's definition could not be had: ${result.message}`,
          {
            retryable: isRetryable(result),
            upstreamCode: result.kind === 'UPSTREAM_ERROR' ? result.code : null,
          },
        );
    }
  }
}

function isRefusal<T extends { kind: string }>(answer: T | Refusal): answer is Refusal {
  return answer.kind === 'UNAUTHENTICATED' || answer.kind === 'FORBIDDEN';
}

/** A refusal is no payload: a top-level GraphQL error, as for the mutations (DESIGN §2). */
function refused(refusal: Refusal): Error {
  return refusal.kind === 'FORBIDDEN'
    ? forbidden(refusal.message)
    : unauthenticated(refusal.message);
}

/** Runs a query field's `answer` and tells the observer its payload, or the error it threw. */
async function answered<T extends object>(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  answer: () => Promise<T>,
): Promise<T> {
  try {
    const payload = await answer();
    ctx.observer.queryAnswered({
      operation: info.fieldName,
      payload: payloadNameOf(null, payload),
    });
    return payload;
  } catch (error) {
    ctx.observer.queryAnswered({ operation: info.fieldName, payload: payloadNameOf(error, null) });
    throw error;
  }
}
