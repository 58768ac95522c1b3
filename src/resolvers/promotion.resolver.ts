import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Info, Mutation, Resolver } from 'type-graphql';
import type { GatewayContext } from '../context';
import type { BulkAction } from '../domain/promotion';
import { forbidden, unauthenticated } from '../graphql/errors';
import { logMutation, mutationAnswerOf } from '../observability/mutation-log';
import { isRefusal, type MutationPayload, type PromotionAnswer } from '../promotion/payload';
import {
  EarnPromotionPayload,
  EnrolCustomersPayload,
  RevokeEarningsPayload,
  RevokeEnrolmentsPayload,
} from '../schema/payload.union';
import {
  EarnPromotionInput,
  EnrolCustomersInput,
  RevokeEarningsInput,
  RevokeEnrolmentsInput,
  type PromotionActionInput,
} from '../schema/promotion-action.input';
import { presentEarnPromotion } from './earn-promotion.presenter';
import { presentEnrolCustomers } from './enrol-customers.presenter';
import { presentRevokeEarnings, presentRevokeEnrolments } from './revocation.presenter';

@Resolver()
export class PromotionResolver {
  @Mutation(() => EnrolCustomersPayload, {
    description: 'Enrol customers into an Enrol-and-Issue promotion (bulkAction ENROL).',
  })
  enrolCustomers(
    @Arg('input', () => EnrolCustomersInput, { description: 'Who to enrol into which promotion.' })
    input: EnrolCustomersInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof EnrolCustomersPayload> {
    return this.logged('ENROL', input, ctx, info, async () =>
      presentEnrolCustomers(await this.payloadOf('ENROL', input, ctx), input.customers),
    );
  }

  @Mutation(() => EarnPromotionPayload, {
    description: 'Issue a promotion to customers so that they earn it (bulkAction EARN).',
  })
  earnPromotion(
    @Arg('input', () => EarnPromotionInput, { description: 'Who earns which promotion.' })
    input: EarnPromotionInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof EarnPromotionPayload> {
    return this.logged('EARN', input, ctx, info, async () =>
      presentEarnPromotion(await this.payloadOf('EARN', input, ctx), input.customers),
    );
  }

  @Mutation(() => RevokeEnrolmentsPayload, {
    description:
      "Revoke customers' enrolments (bulkAction REVOKE_ENROL). Their earnings must be revoked first.",
  })
  revokeEnrolments(
    @Arg('input', () => RevokeEnrolmentsInput, {
      description: 'Whose enrolment in which promotion to revoke.',
    })
    input: RevokeEnrolmentsInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof RevokeEnrolmentsPayload> {
    return this.logged('REVOKE_ENROL', input, ctx, info, async () =>
      presentRevokeEnrolments(await this.payloadOf('REVOKE_ENROL', input, ctx), input.customers),
    );
  }

  @Mutation(() => RevokeEarningsPayload, {
    description:
      'Revoke what customers earned (bulkAction REVOKE_EARN): the earnedIds given, or all of them.',
  })
  revokeEarnings(
    @Arg('input', () => RevokeEarningsInput, {
      description: 'Whose earnings of which promotion to revoke.',
    })
    input: RevokeEarningsInput,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<typeof RevokeEarningsPayload> {
    return this.logged('REVOKE_EARN', input, ctx, info, async () =>
      presentRevokeEarnings(await this.payloadOf('REVOKE_EARN', input, ctx), input.customers),
    );
  }

  /** The service's answer for this request's caller and operation, refusals thrown. */
  private async payloadOf(
    action: BulkAction,
    input: PromotionActionInput,
    ctx: GatewayContext,
  ): Promise<MutationPayload> {
    return payloadOf(
      await ctx.promotions.run(action, input, ctx.credentials, ctx.operationTrace, ctx.answerBy),
    );
  }

  /** Runs `answer`, then writes the mutation's log line, whether it answered or threw. */
  private async logged<T extends object>(
    action: BulkAction,
    input: PromotionActionInput,
    ctx: GatewayContext,
    info: GraphQLResolveInfo,
    answer: () => Promise<T>,
  ): Promise<T> {
    const facts = {
      operationName: info.operation.name?.value ?? null,
      action,
      customers: input.customers.length,
      started: performance.now(),
    };
    try {
      const payload = await answer();
      logMutation(ctx.logger, facts, null, payload);
      ctx.observer.mutationAnswered(mutationAnswerOf(info.fieldName, facts, null, payload));
      return payload;
    } catch (error) {
      logMutation(ctx.logger, facts, error, null);
      ctx.observer.mutationAnswered(mutationAnswerOf(info.fieldName, facts, error, null));
      throw error;
    }
  }
}

/** A refusal is no payload: it answers the request as a top-level GraphQL error (DESIGN §2). */
function payloadOf(answer: PromotionAnswer): MutationPayload {
  if (!isRefusal(answer)) return answer;
  throw answer.kind === 'FORBIDDEN' ? forbidden(answer.message) : unauthenticated(answer.message);
}
