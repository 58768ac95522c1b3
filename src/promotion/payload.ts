import {
  assertNever,
  isBatchLevel,
  isSuccess,
  type CustomerOutcome,
  type FailureOutcome,
} from '../domain/outcome';
import { UpstreamCode } from '../domain/upstream-codes';
import type { InputViolation } from './validate-input';

export type ConflictReason = 'IN_PROGRESS' | 'INPUT_MISMATCH';

/** What a mutation answers, before it is dressed as GraphQL types. */
export type MutationPayload =
  | {
      kind: 'RESULT';
      outcomes: CustomerOutcome[];
      replayed: boolean;
    }
  | { kind: 'HOISTED'; outcome: FailureOutcome }
  | { kind: 'INVALID_INPUT'; violations: InputViolation[] }
  | { kind: 'IDEMPOTENCY_CONFLICT'; reason: ConflictReason };

/** The caller may not run the mutation: no credentials, or the API refused them (401/403). */
export interface Refusal {
  kind: 'UNAUTHENTICATED' | 'FORBIDDEN';
  message: string;
}

/** What the service answers: a payload, or a refusal that no payload can carry. */
export type PromotionAnswer = MutationPayload | Refusal;

export function isRefusal(answer: PromotionAnswer): answer is Refusal {
  return answer.kind === 'UNAUTHENTICATED' || answer.kind === 'FORBIDDEN';
}

/** Upstream codes worth the same call again: the platform's "concurrent actions on the same customer". */
const RETRYABLE_UPSTREAM_CODES: ReadonlySet<number> = new Set([UpstreamCode.CONCURRENT_ACTION]);

/** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
export function isRetryable(outcome: CustomerOutcome): boolean {
  switch (outcome.kind) {
    case 'ISSUED':
    case 'REVOKED':
    case 'AUTH_REJECTED':
      return false;
    case 'UPSTREAM_ERROR':
      return RETRYABLE_UPSTREAM_CODES.has(outcome.code);
    case 'UNAVAILABLE':
    case 'RATE_LIMITED':
    case 'OUTCOME_UNKNOWN':
      return true;
    default:
      return assertNever(outcome);
  }
}

function sameError(a: CustomerOutcome, b: CustomerOutcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'UPSTREAM_ERROR' && b.kind === 'UPSTREAM_ERROR') return a.code === b.code;
  return true;
}

/**
 * Hoisting (DESIGN §2): when one batch-level error applies to every customer of the
 * mutation, the payload is that error; otherwise each customer keeps its own outcome.
 * Per-customer errors (8015, 8896, 8890, ...) are never hoisted.
 */
export function toPayload(outcomes: CustomerOutcome[], replayed: boolean): MutationPayload {
  const first = outcomes[0];
  if (
    first !== undefined &&
    !isSuccess(first) &&
    outcomes.every((o) => isBatchLevel(o) && sameError(o, first))
  ) {
    return { kind: 'HOISTED', outcome: first };
  }
  return { kind: 'RESULT', outcomes, replayed };
}
