import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../context';
import { InputViolation, InvalidInputError } from '../schema/invalid-input-error.type';

/**
 * `violations` takes from the request's budget (violation-budget.ts) each time it is
 * resolved, once per alias of it too, and each entry at the number of values it answers:
 * 15 aliases of `violations`, or of `message` inside it, would otherwise list it 15 times.
 */
@Resolver(() => InvalidInputError)
export class InvalidInputErrorResolver {
  @FieldResolver(() => [InputViolation])
  violations(
    @Root() error: InvalidInputError,
    @Ctx() ctx: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): InputViolation[] {
    const keys = new Set<string>();
    for (const node of info.fieldNodes) responseKeysOf(node.selectionSet, info, keys);
    return ctx.violations.take(error.violations, Math.max(1, keys.size));
  }
}

/** The response keys a selection answers (fields merge by key), through its fragments. */
function responseKeysOf(
  selectionSet: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  keys: Set<string>,
  seen = new Set<string>(),
): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      keys.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      responseKeysOf(selection.selectionSet, info, keys, seen);
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      responseKeysOf(info.fragments[selection.name.value]?.selectionSet, info, keys, seen);
    }
  }
}
