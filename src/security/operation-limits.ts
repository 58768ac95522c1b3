/**
 * Limits on the shape of a GraphQL document, checked while Apollo parses and
 * validates it: a refused operation never reaches a resolver, so it costs no API call.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type ParseOptions,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { GatewayConfig } from '../config';

export type OperationLimits = Pick<
  GatewayConfig,
  'maxQueryDepth' | 'maxAliases' | 'maxRootFields' | 'maxTokens'
>;

/**
 * graphql-armor words its refusals as "Syntax Error: ..." and, left to itself, throws
 * out of graphql-js' validate() — which Apollo would answer with a 500. Reporting them
 * as validation errors gives the caller a 400 GRAPHQL_VALIDATION_FAILED instead.
 */
function reportAsValidationError(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
}

const armorCallbacks = {
  propagateOnRejection: false,
  onReject: [reportAsValidationError],
  exposeLimits: true,
};

/** Root fields, counted through fragments; a fragment cycle is left to graphql-js' own rule. */
function countRootFields(
  selectionSet: SelectionSetNode,
  fragmentOf: (name: string) => FragmentDefinitionNode | null | undefined,
  visiting: Set<string>,
): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FIELD:
        count += 1;
        break;
      case Kind.INLINE_FRAGMENT:
        count += countRootFields(selection.selectionSet, fragmentOf, visiting);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = fragmentOf(name);
        if (fragment && !visiting.has(name)) {
          visiting.add(name);
          count += countRootFields(fragment.selectionSet, fragmentOf, visiting);
          visiting.delete(name);
        }
        break;
      }
    }
  }
  return count;
}

/** Each root field of a mutation is one mutation: an operation may not carry more than `max`. */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const found = countRootFields(
        operation.selectionSet,
        (name) => context.getFragment(name),
        new Set(),
      );
      if (found > max) {
        context.reportError(
          new GraphQLError(`Root fields limit of ${max} exceeded, found ${found}.`, {
            nodes: [operation],
          }),
        );
      }
    },
  });
}

/** The validation rules that enforce MAX_QUERY_DEPTH, MAX_ALIASES and MAX_ROOT_FIELDS. */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  return [
    // Levels are fields, as a client counts them: `... on X` and `...Fragment` add none.
    maxDepthRule({ n: limits.maxQueryDepth, flattenFragments: true, ...armorCallbacks }),
    maxAliasesRule({ n: limits.maxAliases, ...armorCallbacks }),
    maxRootFieldsRule(limits.maxRootFields),
  ];
}

/** MAX_TOKENS is graphql-js' own parser limit: the parser stops counting at the limit. */
export function parseOptionsFor(limits: OperationLimits): ParseOptions {
  return { maxTokens: limits.maxTokens };
}

const TOKEN_LIMIT_MESSAGE =
  /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;

/** graphql-js' wording ("more that N tokens") said the way the other limits say it. */
export function rewordTokenLimit(message: string): string {
  const limit = TOKEN_LIMIT_MESSAGE.exec(message)?.[1];
  return limit === undefined ? message : `Syntax Error: Token limit of ${limit} exceeded.`;
}
