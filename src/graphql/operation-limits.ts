/**
 * Limits on the shape of a GraphQL document, checked while Apollo parses and
 * validates it: a refused operation never reaches a resolver, so it costs no API call.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
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

/**
 * The schema has no subscription type and the gateway speaks HTTP only. Without this
 * rule graphql-js lets a subscription through validation and fails it at execution, which
 * Apollo answers as an unexpected error (200, INTERNAL_SERVER_ERROR, a stack in the log).
 */
export function noSubscriptionsRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
        context.reportError(
          new GraphQLError(
            'Subscriptions are not supported: this gateway serves queries and mutations over HTTP.',
            { nodes: [operation] },
          ),
        );
      }
    },
  };
}

/** The validation rules that enforce MAX_QUERY_DEPTH, MAX_ALIASES and MAX_ROOT_FIELDS. */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  return [
    // Levels are fields, as a client counts them: `... on X` and `...Fragment` add none.
    maxDepthRule({ n: limits.maxQueryDepth, flattenFragments: true, ...armorCallbacks }),
    // Every alias counts, `__typename` too (graphql-armor lets those through by default):
    // 3,000 of them on each item of a long list made a 74 MB answer to 92 KB.
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...armorCallbacks }),
    maxRootFieldsRule(limits.maxRootFields),
  ];
}

/** Default `10` ms: parsing and validating one batched request does per event-loop turn. */
export const DOCUMENT_SLICE_MS = 10;

/**
 * Apollo parses a batched request's documents back to back (up to 50 of MAX_TOKENS): once
 * they took `sliceMs` of a turn, the next waits for the next turn, so other sockets are
 * served. Separate requests are left alone, so their mutations still batch together.
 */
export function documentSlicesPlugin(sliceMs = DOCUMENT_SLICE_MS): ApolloServerPlugin {
  // Apollo gives each operation of a batch its own copy of the request (and of the
  // context) but the same header map: that identifies the HTTP request. `checked`
  // settles once the request's latest document has been parsed and validated.
  const slices = new WeakMap<object, { ends: number; checked: Promise<void> }>();
  return {
    async requestDidStart({ request }) {
      const httpRequest = request.http?.headers;
      let checked = (): void => {};
      return {
        async parsingDidStart() {
          if (httpRequest === undefined) return;
          const ownCheck = new Promise<void>((resolve) => (checked = resolve));
          const slice = slices.get(httpRequest);
          if (slice === undefined) {
            slices.set(httpRequest, { ends: performance.now() + sliceMs, checked: ownCheck });
          } else {
            // Apollo starts every operation of a batch at once: wait for the one before,
            // or its time would not be counted yet.
            const before = slice.checked;
            slice.checked = ownCheck;
            await before;
            if (performance.now() > slice.ends) {
              await nextTurn();
              slice.ends = performance.now() + sliceMs;
            }
          }
          return async (error) => {
            if (error) checked();
          };
        },
        async validationDidStart() {
          return async () => checked();
        },
        async willSendResponse() {
          checked();
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
