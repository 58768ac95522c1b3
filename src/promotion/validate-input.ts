import { customerIdentityOf } from '../domain/customer-identity';
import type {
  CustomerRef,
  IdentifierName,
  PromotionRef,
  PromotionRequest,
} from '../domain/promotion';

export interface InputViolation {
  field: string;
  message: string;
}

/** The input as GraphQL delivered it: types are checked, values are not. */
export interface UncheckedPromotionInput {
  promotion: PromotionRef;
  identifierName: IdentifierName;
  customers: CustomerRef[];
  idempotencyKey?: string | null;
}

export interface InputLimits {
  maxCustomersPerMutation: number;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const MAX_PROMO_IDENTIFIER_LENGTH = 255;
const MAX_EMAIL_LENGTH = 254;
/** Earns one customer's revocation may name: the API takes 100 customers a call, this bounds each. */
export const MAX_EARNED_IDS_PER_CUSTOMER = 100;
/** DESIGN §9: ids are opaque strings of at most 64 characters. */
const MAX_EARNED_ID_LENGTH = 64;
/**
 * Problems listed per earnedIds list, the rest counted: a 4-byte earnedId would otherwise
 * cost a 100-byte violation, and 1,000 lists of 100 a 10 MB answer to a 0.5 MB request.
 */
const MAX_VIOLATIONS_PER_EARNED_ID_LIST = 5;
/** Problems listed per input, the rest counted. */
export const MAX_LISTED_VIOLATIONS = 100;
/** The field of an entry that counts problems left out, rather than naming one. */
export const LEFT_OUT_FIELD = 'input';

const identifierRules: Record<IdentifierName, { pattern: RegExp; expected: string }> = {
  id: { pattern: /^\d{1,20}$/, expected: 'a customer id: digits only' },
  mobile: {
    pattern: /^\+?\d{8,15}$/,
    expected: 'a mobile number: 8 to 15 digits, optional leading +',
  },
  email: { pattern: /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/, expected: 'an email address' },
};

/** What is wrong with a trimmed identifierValue for `identifierName`, or null; shared by reads and writes. */
export function identifierValueProblem(
  identifierName: IdentifierName,
  value: string,
): string | null {
  if (value === '') return 'must not be empty';
  const rule = identifierRules[identifierName];
  if (
    !rule.pattern.test(value) ||
    (identifierName === 'email' && value.length > MAX_EMAIL_LENGTH)
  ) {
    return `must be ${rule.expected}`;
  }
  return null;
}

function promotionViolations(promotion: PromotionRef): InputViolation[] {
  const violations: InputViolation[] = [];
  if (!Number.isInteger(promotion.programId) || promotion.programId <= 0) {
    violations.push({ field: 'promotion.programId', message: 'must be a positive integer' });
  }
  const hasId = promotion.promotionId !== undefined && promotion.promotionId !== null;
  const hasIdentifier =
    promotion.promoIdentifier !== undefined && promotion.promoIdentifier !== null;
  if (hasId === hasIdentifier) {
    violations.push({
      field: 'promotion',
      message: 'give exactly one of promotionId and promoIdentifier',
    });
  }
  if (hasId && (promotion.promotionId as number) <= 0) {
    violations.push({ field: 'promotion.promotionId', message: 'must be a positive integer' });
  }
  if (hasIdentifier) {
    const identifier = (promotion.promoIdentifier as string).trim();
    if (identifier === '') {
      violations.push({ field: 'promotion.promoIdentifier', message: 'must not be empty' });
    } else if (identifier.length > MAX_PROMO_IDENTIFIER_LENGTH) {
      violations.push({
        field: 'promotion.promoIdentifier',
        message: `must be at most ${MAX_PROMO_IDENTIFIER_LENGTH} characters`,
      });
    }
  }
  return violations;
}

function customerViolations(
  identifierName: IdentifierName,
  customers: CustomerRef[],
  limits: InputLimits,
): InputViolation[] {
  if (customers.length === 0 || customers.length > limits.maxCustomersPerMutation) {
    // Each customer of a list this long is beside the point, and would cost its violations.
    return [
      {
        field: 'customers',
        message: `must hold 1 to ${limits.maxCustomersPerMutation} customers, got ${customers.length}`,
      },
    ];
  }
  const violations: InputViolation[] = [];
  const firstIndexOf = new Map<string, number>();
  customers.forEach((customer, index) => {
    const field = `customers[${index}].identifierValue`;
    const value = customer.identifierValue.trim();
    const problem = identifierValueProblem(identifierName, value);
    if (problem !== null) {
      violations.push({ field, message: problem });
      return;
    }
    const identity = customerIdentityOf(identifierName, value);
    const first = firstIndexOf.get(identity);
    if (first === undefined) {
      firstIndexOf.set(identity, index);
    } else {
      violations.push({ field, message: `is the same customer as customers[${first}]` });
    }
  });
  customers.forEach((customer, index) => {
    if (customer.earnedIds !== undefined && customer.earnedIds !== null) {
      violations.push(...earnedIdViolations(`customers[${index}].earnedIds`, customer.earnedIds));
    }
  });
  return violations;
}

/** A list given must name earns: left out it means all of them, so an empty one is refused. */
function earnedIdViolations(field: string, earnedIds: readonly string[]): InputViolation[] {
  if (earnedIds.length === 0 || earnedIds.length > MAX_EARNED_IDS_PER_CUSTOMER) {
    return [
      {
        field,
        message: `must hold 1 to ${MAX_EARNED_IDS_PER_CUSTOMER} earnedIds when given (leave it out to revoke every earn), got ${earnedIds.length}`,
      },
    ];
  }
  const violations: InputViolation[] = [];
  const firstIndexOf = new Map<string, number>();
  earnedIds.forEach((raw, index) => {
    const value = raw.trim();
    if (value === '') {
      violations.push({ field: `${field}[${index}]`, message: 'must not be empty' });
      return;
    }
    if (value.length > MAX_EARNED_ID_LENGTH) {
      violations.push({
        field: `${field}[${index}]`,
        message: `must be at most ${MAX_EARNED_ID_LENGTH} characters`,
      });
      return;
    }
    // "0042" and "42" reach the API as the same number.
    const identity = /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value;
    const first = firstIndexOf.get(identity);
    if (first === undefined) firstIndexOf.set(identity, index);
    else
      violations.push({
        field: `${field}[${index}]`,
        message: `is the same earn as ${field}[${first}]`,
      });
  });
  return firstListed(violations, MAX_VIOLATIONS_PER_EARNED_ID_LIST, (rest) => ({
    field,
    message: `has ${rest} more problem(s) of the same kinds, not listed: each earnedId must be non-empty, at most ${MAX_EARNED_ID_LENGTH} characters and named once`,
  }));
}

/**
 * The first `max` of `violations`, and one entry counting the rest: each is repeated by
 * every alias of the selection, so an answer listing all of 1,000 customers' problems was
 * 70 times the size of its request.
 */
function firstListed(
  violations: InputViolation[],
  max: number,
  summary: (rest: number) => InputViolation,
): InputViolation[] {
  if (violations.length <= max) return violations;
  return [...violations.slice(0, max), summary(violations.length - max)];
}

/**
 * Checks the whole input and reports every problem at once (the first 100 listed, the rest
 * counted). Valid input comes back normalised (identifiers, earnedIds and promoIdentifier
 * trimmed) as the request to send.
 */
export function validateInput(
  input: UncheckedPromotionInput,
  limits: InputLimits,
):
  | { valid: true; request: Omit<PromotionRequest, 'action'> }
  | { valid: false; violations: InputViolation[] } {
  const violations = [
    ...promotionViolations(input.promotion),
    ...customerViolations(input.identifierName, input.customers, limits),
  ];
  const key = input.idempotencyKey;
  if (key !== undefined && key !== null) {
    if (key.trim() === '') {
      violations.push({ field: 'idempotencyKey', message: 'must not be empty when given' });
    } else if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      violations.push({
        field: 'idempotencyKey',
        message: `must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, got ${key.length}`,
      });
    }
  }
  if (violations.length > 0) {
    const violationsListed = firstListed(violations, MAX_LISTED_VIOLATIONS, (rest) => ({
      field: LEFT_OUT_FIELD,
      message: `has ${rest} more problem(s), not listed; the first ${MAX_LISTED_VIOLATIONS} are above`,
    }));
    return { valid: false, violations: violationsListed };
  }

  const { programId, promotionId, promoIdentifier } = input.promotion;
  const promotion: PromotionRef =
    promotionId !== undefined && promotionId !== null
      ? { programId, promotionId }
      : { programId, promoIdentifier: (promoIdentifier as string).trim() };
  return {
    valid: true,
    request: {
      promotion,
      identifierName: input.identifierName,
      customers: input.customers.map((c) =>
        c.earnedIds === undefined || c.earnedIds === null
          ? { identifierValue: c.identifierValue.trim(), source: c.source }
          : {
              identifierValue: c.identifierValue.trim(),
              source: c.source,
              earnedIds: c.earnedIds.map((id) => id.trim()),
            },
      ),
      idempotencyKey: key ?? null,
    },
  };
}
