import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { InputViolation, InvalidInputError } from '../schema/invalid-input-error.type';

/**
 * `violations` takes from the request's budget (violation-budget.ts) each time it is
 * resolved: once per alias of it too, or 15 aliases would list the budget 15 times.
 */
@Resolver(() => InvalidInputError)
export class InvalidInputErrorResolver {
  @FieldResolver(() => [InputViolation])
  violations(@Root() error: InvalidInputError, @Ctx() ctx: GatewayContext): InputViolation[] {
    return ctx.violations.take(error.violations);
  }
}
