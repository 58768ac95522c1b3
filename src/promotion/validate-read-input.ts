/**
 * Validation of the read side's input (DESIGN §8): the customer as for mutations, `first`
 * 1..100, `after` a cursor this gateway issued for the same query; every problem at once.
 */
import type { CustomerSource, IdentifierName } from '../domain/promotion';
import type {
  CustomerPromotionStatus,
  LookupQuery,
  PromotionKey,
  PromotionKind,
} from '../domain/promotion-read';
import { cursorScopeOf, type PageCursors } from './page-cursor';
import { identifierValueProblem, type InputViolation } from './validate-input';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** More programs than any org has; the list is sent in the query string. */
export const MAX_PROGRAM_IDS = 100;

/** The input as GraphQL delivered it: types are checked, values are not. */
export interface UncheckedCustomerPromotionsInput {
  customer: { identifierName: IdentifierName; identifierValue: string; source: CustomerSource };
  programIds?: number[] | null;
  status?: CustomerPromotionStatus | null;
  kind?: PromotionKind | null;
  first?: number | null;
  after?: string | null;
}

export type CheckedRead<T> =
  { valid: true; value: T } | { valid: false; violations: InputViolation[] };

function positive(value: number): boolean {
  return Number.isInteger(value) && value > 0;
}

/** The lookup to ask, and the cursor scope its pages belong to (this caller's only). */
export function validateCustomerPromotionsInput(
  input: UncheckedCustomerPromotionsInput,
  cursors: PageCursors,
  callerId: string,
): CheckedRead<{ query: LookupQuery; cursorScope: () => string }> {
  const violations: InputViolation[] = [];
  const { identifierName, source } = input.customer;
  const identifierValue = input.customer.identifierValue.trim();
  const problem = identifierValueProblem(identifierName, identifierValue);
  if (problem !== null) violations.push({ field: 'customer.identifierValue', message: problem });

  const given = input.programIds ?? null;
  if (given !== null && given.length > MAX_PROGRAM_IDS) {
    violations.push({ field: 'programIds', message: `must hold at most ${MAX_PROGRAM_IDS} ids` });
  }
  given?.slice(0, MAX_PROGRAM_IDS).forEach((id, index) => {
    if (!positive(id)) {
      violations.push({ field: `programIds[${index}]`, message: 'must be a positive integer' });
    }
  });
  // Sorted and without repeats: the same programs in any order are the same lookup.
  const programIds = given === null ? null : [...new Set(given)].sort((a, b) => a - b);

  const first = input.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    violations.push({ field: 'first', message: `must be 1 to ${MAX_PAGE_SIZE}, got ${first}` });
  }
  // What the lookup asks but the page: a cursor belongs to exactly these.
  const filters = {
    identifierName,
    identifierValue,
    source,
    programIds,
    status: input.status ?? null,
    kind: input.kind ?? null,
  };
  // Hashed only when a cursor is read or asked for: most reads do neither.
  let scope: string | null = null;
  const cursorScope = (): string =>
    (scope ??= cursorScopeOf([callerId, ...Object.values(filters)]));
  let offset = 0;
  if (input.after !== undefined && input.after !== null) {
    const decoded = cursors.decode(input.after, cursorScope());
    if (decoded === null) {
      violations.push({
        field: 'after',
        message:
          "is not a cursor this gateway issued for this query: pass the previous page's endCursor",
      });
    } else {
      offset = decoded;
    }
  }
  if (violations.length > 0) return { valid: false, violations };
  return {
    valid: true,
    value: {
      query: { ...filters, limit: first, offset },
      cursorScope,
    },
  };
}

export function validatePromotionKey(key: PromotionKey): CheckedRead<PromotionKey> {
  const violations: InputViolation[] = [];
  if (!positive(key.programId)) {
    violations.push({ field: 'programId', message: 'must be a positive integer' });
  }
  if (!positive(key.promotionId)) {
    violations.push({ field: 'promotionId', message: 'must be a positive integer' });
  }
  return violations.length > 0 ? { valid: false, violations } : { valid: true, value: key };
}
