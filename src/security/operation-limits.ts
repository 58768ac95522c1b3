/**
 * Limits on the shape of a GraphQL document, checked while Apollo parses and
 * validates it: a refused operation never reaches a resolver, so it costs no API call.
 */
import type { ApolloServerPlugin } from '@apollo/server';
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

/**
 * Root fields, counted through fragments. Each fragment is counted once per document
 * and remembered: a fragment spread twice by each of its neighbours costs its text, not
 * its 2^n expansion. A fragment in a cycle counts nothing here; graphql-js' own
 * NoFragmentCycles rule refuses the cycle.
 */
function rootFieldCounter(
  fragmentOf: (name: string) => FragmentDefinitionNode | null | undefined,
): (selectionSet: SelectionSetNode) => number {
  const countOf = new Map<string, number>();
  const count = (selectionSet: SelectionSetNode): number => {
    let found = 0;
    for (const selection of selectionSet.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          found += 1;
          break;
        case Kind.INLINE_FRAGMENT:
          found += count(selection.selectionSet);
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          let counted = countOf.get(name);
          if (counted === undefined) {
            const fragment = fragmentOf(name);
            // Set before descending, so that a cycle ends here with 0.
            countOf.set(name, 0);
            counted = fragment ? count(fragment.selectionSet) : 0;
            countOf.set(name, counted);
          }
          found += counted;
          break;
        }
      }
    }
    return found;
  };
  return count;
}

/** Each root field of a mutation is one mutation: an operation may not carry more than `max`. */
export function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const countRootFields = rootFieldCounter((name) => context.getFragment(name));
    return {
      OperationDefinition(operation) {
        const found = countRootFields(operation.selectionSet);
        if (found > max) {
          context.reportError(
            new GraphQLError(`Root fields limit of ${max} exceeded, found ${found}.`, {
              nodes: [operation],
            }),
          );
        }
      },
    };
  };
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

/**
 * Apollo parses and validates a document it has not cached in one go, and every
 * operation of a batched request right after the other: up to 50 documents of up to
 * MAX_TOKENS each, with no socket served in between. This plugin lets one such document
 * through per event-loop turn, so that other requests are answered between them.
 * Cached documents skip parsing, and this plugin with it.
 */
export function documentPerTurnPlugin(): ApolloServerPlugin {
  let lastTurn: Promise<void> = Promise.resolve();
  return {
    async requestDidStart() {
      return {
        async parsingDidStart() {
          // An immediate queued while immediates run waits for the next turn (after I/O).
          const turn = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
          lastTurn = turn;
          await turn;
        },
      };
    },
  };
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
